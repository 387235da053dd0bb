package io.tollgate.gate;

import io.tollgate.config.HostPort;
import io.tollgate.registry.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate listener. In this version it answers {@code GET /health} and refuses every other request with
 * {@code 404 route_not_found}; the proxy, {@code /v1/verify} and {@code /v1/authorize} come with the data plane.
 */
public final class GateServer {
  private static final Logger LOG = LoggerFactory.getLogger(GateServer.class);

  private GateServer() {}

  public static Future<HttpServer> start(Vertx vertx, HostPort listen, RegistryStore store) {
    return vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(8192).setMaxHeaderSize(32768))
        .requestHandler(req -> handle(vertx, store, req))
        .listen(listen.port(), listen.host())
        .onSuccess(s -> LOG.info("gate listening on {}:{}", listen.host(), s.actualPort()));
  }

  private static void handle(Vertx vertx, RegistryStore store, HttpServerRequest req) {
    if ("/health".equals(req.path()) && req.method().name().equals("GET")) {
      vertx.executeBlocking(store::isHealthy, false).onComplete(ar -> {
        boolean ok = ar.succeeded() && ar.result();
        req.response().setStatusCode(ok ? 200 : 503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", ok ? "ok" : "unavailable").put("store", ok ? "ok" : "down").encode());
      });
      return;
    }
    req.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json")
        .end(new JsonObject().put("type", "urn:tollgate:problem:route_not_found").put("title", "Not found")
            .put("status", 404).put("detail", "no route matches this request").put("code", "route_not_found").encode());
  }
}
