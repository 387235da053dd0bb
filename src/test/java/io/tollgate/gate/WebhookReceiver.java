package io.tollgate.gate;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real webhook receiver: a Vert.x HTTP server on an ephemeral loopback port that records every request it gets
 * (headers and body) and answers 500 to the first {@code failures} of them, 204 to the rest.
 */
final class WebhookReceiver implements AutoCloseable {
  /** One request received. */
  record Received(Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  WebhookReceiver(int failures) throws Exception {
    this(failures, 0);
  }

  WebhookReceiver(int failures, int port) throws Exception {
    failuresLeft = new AtomicInteger(failures);
    server = vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      Map<String, String> headers = new TreeMap<>();
      req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
      received.add(new Received(headers, body.toString(StandardCharsets.UTF_8)));
      if (failuresLeft.getAndDecrement() > 0) {
        req.response().setStatusCode(500).end("receiver failing on purpose");
      } else {
        req.response().setStatusCode(204).end();
      }
    });
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/tollgate";
  }

  /** The requests whose body has this event type. */
  List<Received> ofType(String type) {
    return received.stream().filter(r -> r.body().contains("\"type\":\"" + type + "\"")).toList();
  }

  /**
   * The distinct events of this type, by {@code webhook-id}, in the order they first arrived: a delivery attempted
   * again with the same id (at least once, as promised) is one event.
   */
  List<String> eventIds(String type) {
    return events(type).stream().map(r -> r.header("webhook-id")).toList();
  }

  /** The first request of each distinct event of this type (by {@code webhook-id}), in arrival order. */
  List<Received> events(String type) {
    Map<String, Received> first = new java.util.LinkedHashMap<>();
    ofType(type).forEach(r -> first.putIfAbsent(r.header("webhook-id"), r));
    return List.copyOf(first.values());
  }

  /** What arrived, one line per request (id, type and size), for a failing assertion's message. */
  String describe() {
    StringBuilder b = new StringBuilder(received.size() + " received:");
    for (Received r : received) {
      int at = r.body().indexOf("\"type\":\"");
      String type = at < 0 ? "?" : r.body().substring(at + 8, r.body().indexOf('"', at + 8));
      b.append("\n  ").append(r.header("webhook-id")).append(' ').append(type).append(" (")
          .append(r.body().length()).append(" chars)");
    }
    return b.toString();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
