package io.tollgate.admin;

import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Serves {@code docs/openapi.yaml}, which the build copies into the jar. */
final class OpenApiDocument {
  static final String RESOURCE = "/io/tollgate/admin/openapi.yaml";
  private static final String TEXT = load();

  private OpenApiDocument() {}

  private static String load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("openapi.yaml cannot be read", e);
    }
  }

  static void serve(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(TEXT);
  }
}
