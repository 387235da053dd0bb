package io.tollgate.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small engine to put behind the gate: an in-memory item store per namespace that answers the default routes
 * ({@code PUT/GET/DELETE /v1/{ns}/items/{id}}, {@code POST /v1/{ns}/query}, {@code POST /v1/{ns}/search},
 * {@code * /v1/{ns}/serve/**}). Every answer echoes the {@code X-Tollgate-*} headers the gate sent, so a user
 * can see who the gate said called. Not for production.
 */
public final class DemoEngine {
  private final Map<String, Map<String, Buffer>> namespaces = new ConcurrentHashMap<>();

  private DemoEngine() {}

  /** Starts the engine on {@code host:port} (0 for any free port). */
  public static Future<HttpServer> start(Vertx vertx, String host, int port) {
    DemoEngine engine = new DemoEngine();
    return vertx.createHttpServer().requestHandler(engine::handle).listen(port, host);
  }

  private void handle(HttpServerRequest req) {
    String[] p = req.path().split("/");
    if (p.length < 4 || !p[1].equals("v1")) {
      answer(req, 404, new JsonObject().put("error", "no such demo route"));
      return;
    }
    String ns = p[2];
    req.body().onSuccess(body -> route(req, ns, p, body));
  }

  private void route(HttpServerRequest req, String ns, String[] p, Buffer body) {
    Map<String, Buffer> items = namespaces.computeIfAbsent(ns, n -> new ConcurrentHashMap<>());
    HttpMethod m = req.method();
    if (p[3].equals("items") && p.length == 5) {
      String id = p[4];
      if (m == HttpMethod.PUT) {
        items.put(id, body.copy());
        answer(req, 200, new JsonObject().put("namespace", ns).put("id", id).put("stored", true)
            .put("bytes", body.length()));
      } else if (m == HttpMethod.GET) {
        Buffer item = items.get(id);
        answer(req, item == null ? 404 : 200, new JsonObject().put("namespace", ns).put("id", id)
            .put("value", item == null ? null : item.toString()));
      } else if (m == HttpMethod.DELETE) {
        answer(req, items.remove(id) == null ? 404 : 200, new JsonObject().put("namespace", ns).put("id", id)
            .put("deleted", true));
      } else {
        answer(req, 405, new JsonObject().put("error", "method not allowed"));
      }
    } else if (p[3].equals("query") && m == HttpMethod.POST) {
      answer(req, 200, new JsonObject().put("namespace", ns).put("results", firstIds(items, 10)));
    } else if (p[3].equals("search") && m == HttpMethod.POST) {
      String q = body.length() == 0 ? "" : body.toString();
      JsonArray hits = new JsonArray();
      new TreeMap<>(items).forEach((id, v) -> {
        if (v.toString().contains(q)) {
          hits.add(id);
        }
      });
      answer(req, 200, new JsonObject().put("namespace", ns).put("results", hits));
    } else if (p[3].equals("serve")) {
      answer(req, 200, new JsonObject().put("namespace", ns).put("served", req.path()));
    } else {
      answer(req, 404, new JsonObject().put("error", "no such demo route"));
    }
  }

  private static JsonArray firstIds(Map<String, Buffer> items, int k) {
    JsonArray out = new JsonArray();
    new TreeMap<>(items).keySet().stream().limit(k).forEach(out::add);
    return out;
  }

  private static void answer(HttpServerRequest req, int status, JsonObject body) {
    JsonObject seen = new JsonObject();
    req.headers().forEach((k, v) -> {
      if (k.toLowerCase(java.util.Locale.ROOT).startsWith("x-tollgate-")) {
        seen.put(k.toLowerCase(java.util.Locale.ROOT), v);
      }
    });
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body.put("gate_said", seen).encode());
  }
}
