package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps {@code docs/openapi.yaml} and the admin router in step, and the served copy equal to the file. */
final class OpenApiDocumentTest {
  /** Relative to the project root, which is the working directory under Surefire. */
  private static final Path DOCUMENT = Path.of("docs", "openapi.yaml");
  private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "patch", "head", "options",
      "trace");
  private static final Pattern VERTX_PARAM = Pattern.compile(":([A-Za-z][A-Za-z0-9]*)");

  private static Vertx vertx;
  private static JsonNode document;

  @BeforeAll
  static void readDocumentAndStartVertx() throws IOException {
    vertx = Vertx.vertx();
    document = new YAMLMapper().readTree(DOCUMENT.toFile());
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void openapi_everyRouteInCode_isDocumented() {
    assertThat(documentedRoutes()).containsAll(routesInCode());
  }

  @Test
  void openapi_everyDocumentedRoute_existsInCode() {
    assertThat(routesInCode()).containsAll(documentedRoutes());
  }

  @Test
  void openapi_version_is31() {
    assertThat(document.path("openapi").asText()).startsWith("3.1.");
  }

  @Test
  void openapi_everyAdminAndSeed003Operation_documentsUnauthorized() {
    forEachOperation((route, operation) -> {
      if (route.contains(" /admin/") || route.contains(" /gate/") && !route.endsWith(" /gate/health")) {
        assertThat(operation.path("responses").has("401")).as("401 of %s", route).isTrue();
      }
    });
  }

  @Test
  void openapi_servedResource_equalsTheFile() throws IOException {
    try (InputStream served = OpenApiDocumentTest.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
      assertThat(served).as("%s on the classpath (the pom copies docs/openapi.yaml)", OpenApiDocument.RESOURCE)
          .isNotNull();
      assertThat(new String(served.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(DOCUMENT, StandardCharsets.UTF_8));
    }
  }

  /** {@code METHOD /path} of every route the admin router registers, with {@code {snake_case}} parameters. */
  private static Set<String> routesInCode() {
    // router() only stores its dependencies, so nulls are enough to read its route table
    AdminServer.Dependencies deps =
        new AdminServer.Dependencies(null, null, null, null, null, null, null, null, 65536,
            new io.tollgate.telemetry.Metrics(), InstantSource.system(), () -> false,
            () -> new io.tollgate.metering.UsageSpill.Status(0, 0, false), null, null);
    Router router = AdminServer.router(vertx, deps, null, ctx -> {}, ctx -> {}, ctx -> {});
    Set<String> routes = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty() || route.getPath() == null) {
        continue; // catch-alls: request ids, authentication, body handling, failures
      }
      String path = openApiPath(route.getPath());
      methods.forEach(m -> routes.add(m.name() + " " + path));
    }
    assertThat(routes).as("routes read from the router").isNotEmpty();
    return routes;
  }

  /** {@code METHOD /path} of every operation in the document. */
  private static Set<String> documentedRoutes() {
    Set<String> routes = new TreeSet<>();
    forEachOperation((route, operation) -> routes.add(route));
    assertThat(routes).as("operations in %s", DOCUMENT).isNotEmpty();
    return routes;
  }

  private static void forEachOperation(java.util.function.BiConsumer<String, JsonNode> action) {
    Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      Iterator<Map.Entry<String, JsonNode>> items = path.getValue().fields();
      while (items.hasNext()) {
        Map.Entry<String, JsonNode> item = items.next();
        if (OPERATIONS.contains(item.getKey())) {
          action.accept(item.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), item.getValue());
        }
      }
    }
  }

  /** {@code /admin/customers/:id/keys/:keyId} becomes {@code /admin/customers/{id}/keys/{key_id}}. */
  static String openApiPath(String vertxPath) {
    Matcher m = VERTX_PARAM.matcher(vertxPath);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String snake = m.group(1).replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
      m.appendReplacement(out, Matcher.quoteReplacement("{" + snake + "}"));
    }
    m.appendTail(out);
    return out.toString();
  }
}
