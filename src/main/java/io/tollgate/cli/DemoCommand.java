package io.tollgate.cli;

import io.tollgate.config.ConfigLoader;
import io.tollgate.config.InvalidConfigException;
import io.tollgate.config.TollgateConfig;
import io.tollgate.demo.DemoEngine;
import io.tollgate.keys.ApiKeyFormat;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tollgate demo}: the gate with a bundled demo engine, a ready customer with a key, and curl lines that show
 * an allowed request, a 401, a 403, a 429 and the usage. Uses a fresh data directory unless
 * {@code TOLLGATE_DATA_DIR} is set. With {@code --seed-003}, seed 003's catalog and key prefix ({@link Seed003Demo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the gate in front of a bundled demo engine, with a ready customer.%nExample: tollgate demo")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--engine-port", description = "port of the demo engine on 127.0.0.1 (default ${DEFAULT-VALUE})")
  int enginePort = 9000;

  @Option(names = "--seed-003", description = "seed 003's plans (starter, builder, pro, enterprise) and hx_ keys,"
      + " with its admin routes under /gate/ (docs/compat-seed-003.md); not with TOLLGATE_CONFIG")
  boolean seed003;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Vertx vertx = Vertx.vertx();
    HttpServer engine = DemoEngine.start(vertx, "127.0.0.1", enginePort).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    Map<String, String> env = new HashMap<>(System.getenv());
    if (seed003 && env.containsKey("TOLLGATE_CONFIG")) {
      System.err.println("tollgate: --seed-003 writes its own configuration; unset TOLLGATE_CONFIG, or point your"
          + " configuration at examples/tiers-seed-003.yaml with keys.prefix: hx and run demo without --seed-003");
      vertx.close();
      return 2;
    }
    String adminKey = Optional.ofNullable(env.get("TOLLGATE_ADMIN_KEY")).filter(s -> !s.isBlank())
        .or(() -> Optional.ofNullable(env.get("HX_GATE_ENGINE_SERVICE_KEY")).filter(s -> seed003 && !s.isBlank()))
        .orElseGet(() -> new ApiKeyFormat(seed003 ? Seed003Demo.PREFIX : "tg").newAdminKey());
    env.put("TOLLGATE_ADMIN_KEY", adminKey);
    env.put("TOLLGATE_ENGINE_URL", "http://127.0.0.1:" + engine.actualPort());
    if (!env.containsKey("TOLLGATE_DATA_DIR")) {
      env.put("TOLLGATE_DATA_DIR", Files.createTempDirectory("tollgate-demo").toString());
    }
    Optional<Path> file = seed003 ? Optional.of(Seed003Demo.writeConfig(Path.of(env.get("TOLLGATE_DATA_DIR"))))
        : Optional.ofNullable(env.get("TOLLGATE_CONFIG")).map(Path::of);
    TollgateConfig cfg;
    try {
      cfg = ConfigLoader.load(file, env);
    } catch (InvalidConfigException e) {
      System.err.println("tollgate: invalid configuration: " + e.getMessage());
      return 2;
    }
    Server server = Server.start(cfg, env, out);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      vertx.close();
    }, "tollgate-demo-shutdown"));
    String admin = "http://127.0.0.1:" + server.adminPort();
    String gate = "http://127.0.0.1:" + server.gatePort();
    String key = createDemoCustomer(admin, adminKey);
    printTour(out, cfg, gate, admin, adminKey, key, engine.actualPort(),
        seed003 ? Seed003Demo.tour(admin, adminKey) : List.of());
    server.awaitStop();
    return 0;
  }

  /** Creates the customer {@code demo} through the Admin API and returns its key. */
  private static String createDemoCustomer(String admin, String adminKey) throws Exception {
    JsonObject body = new JsonObject().put("customer_id", "demo").put("name", "Demo Customer")
        .put("tier", "starter").put("namespaces", new io.vertx.core.json.JsonArray().add("default"))
        .put("limits", new JsonObject().put("rate_limit", new JsonObject().put("requests", 5).put("window_s", 60)));
    HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(admin + "/admin/customers")).header("Authorization", "Bearer " + adminKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() == 201) {
      return new JsonObject(created.body()).getJsonObject("api_key").getString("key");
    }
    HttpResponse<String> key = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(admin + "/admin/customers/demo/keys")).header("Authorization", "Bearer " + adminKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"demo\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (key.statusCode() != 201) {
      throw new IllegalStateException("the demo customer could not be set up: " + key.body());
    }
    return new JsonObject(key.body()).getString("key");
  }

  /** The addresses, keys and curl lines; {@code extra} goes before the last line. */
  private static void printTour(PrintStream out, TollgateConfig cfg, String gate, String admin, String adminKey,
      String key, int enginePort, List<String> extra) {
    String a = "-H 'Authorization: Bearer " + key + "'";
    List<String> lines = new ArrayList<>(List.of(
        "",
        "Tollgate demo is running.",
        "  gate:        " + gate + "   (engine: the bundled demo store on 127.0.0.1:" + enginePort + ")",
        "  admin API:   " + admin,
        "  console:     " + admin + "/console/   (sign in with the admin key)",
        "  admin key:   " + adminKey,
        "  data:        " + cfg.dataDir(),
        "  customer:    demo (tier starter, namespace 'default', 5 requests per 60 s)",
        "  its key:     " + key + "   (shown once; only its hash is stored)",
        "",
        "Try it:",
        "  # allowed: store and read an item (200, with RateLimit headers)",
        "  curl -i -X PUT " + gate + "/v1/default/items/hello " + a + " -d 'world'",
        "  curl -i " + gate + "/v1/default/items/hello " + a,
        "  # 401: a key the gate does not know",
        "  curl -i " + gate + "/v1/default/items/hello -H 'Authorization: Bearer " + cfg.keys().prefix()
            + "_live_notARealKey'",
        "  # 403 namespace_denied: the customer may not use 'private'",
        "  curl -i " + gate + "/v1/private/items/hello " + a,
        "  # 429 rate_limited: more than 5 requests in a minute",
        "  for i in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{http_code}\\n' " + gate + "/v1/default/items/hello "
            + a + "; done",
        "  # usage, as billed (units per operation and key, refusals by code)",
        "  curl -s " + admin + "/admin/customers/demo/usage -H 'Authorization: Bearer " + adminKey + "'"));
    lines.addAll(extra);
    lines.addAll(List.of("", "Stop with Ctrl-C."));
    out.println(String.join(System.lineSeparator(), lines));
    out.flush();
  }
}
