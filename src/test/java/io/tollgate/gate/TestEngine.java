package io.tollgate.gate;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An engine on loopback for the gate tests; what it does depends on the path after the namespace:
 * {@code items/{id}} echoes; {@code serve/status/{code}} answers that status; {@code serve/slow/{ms}} waits;
 * {@code serve/units/{u}} reports {@code X-Tollgate-Units: u}; {@code serve/upload} streams the body into a SHA-256
 * ({@code serve/upload/{ms}} stops reading for that long after the first bytes, so that the sender must hold back);
 * {@code serve/download/{bytes}} streams that many bytes; {@code serve/early/{ms}} answers 200 and a first chunk as
 * soon as the head arrives, before reading the body, and ends the answer {@code ms} later; {@code serve/cut/{bytes}}
 * sends a chunked 200 with that many bytes and then closes the connection without ending it ({@code serve/cutlate/{ms}}
 * sends a chunked 200 with 1000 bytes and closes the connection {@code ms} later); {@code serve/cutlength/{bytes}}
 * declares that Content-Length, sends 10 bytes and closes the connection; {@code serve/closing} answers
 * completely with {@code Connection: close} and closes the connection after it. It records the URI of every request whose head arrived,
 * every request it saw to the end or until it failed (whether its body arrived complete, its size and SHA-256), and
 * the URI of every request whose connection closed before its answer was ended (cut by either side), and that of
 * every {@code serve/closing} request whose connection closed after its complete answer.
 */
final class TestEngine implements AutoCloseable {
  /** What the engine saw of one request. */
  record Seen(String method, String uri, Map<String, List<String>> headers, long bodyBytes, String bodySha256,
      boolean complete) {
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.get(0);
    }
  }

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final List<String> started = new CopyOnWriteArrayList<>();
  final List<String> cut = new CopyOnWriteArrayList<>();
  final List<String> closedAfterAnswer = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  /** Connections open now, and the most that were ever open at once. */
  private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger mostOpen = new java.util.concurrent.atomic.AtomicInteger();

  TestEngine() throws Exception {
    server = vertx.createHttpServer().connectionHandler(c -> {
      mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      c.closeHandler(v -> open.decrementAndGet());
    }).requestHandler(this::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The most connections the engine had open at once so far. */
  int mostConnectionsAtOnce() {
    return mostOpen.get();
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  private void handle(HttpServerRequest req) {
    String[] p = req.path().split("/");
    String action = p.length > 4 ? p[3] + "/" + p[4] : p.length > 3 ? p[3] : "";
    started.add(req.uri());
    req.response().closeHandler(v -> {
      if (!req.response().ended()) {
        cut.add(req.uri());
      }
    });
    MessageDigest sha = sha256();
    long[] bytes = {0};
    long stallMs = "serve/upload".equals(action) && p.length > 5 ? Long.parseLong(p[5]) : 0;
    req.handler(b -> {
      if (bytes[0] == 0 && stallMs > 0) {
        req.pause();
        vertx.setTimer(stallMs, t -> req.resume());
      }
      bytes[0] += b.length();
      sha.update(b.getBytes());
    });
    req.exceptionHandler(e -> record(req, bytes[0], "", false));
    if ("serve/early".equals(action)) {
      req.response().setChunked(true).write("early");
      vertx.setTimer(Math.max(1, Long.parseLong(p[5])), t -> {
        if (!req.response().closed() && !req.response().ended()) {
          req.response().end();
        }
      });
    }
    req.endHandler(v -> {
      String hex = HexFormat.of().formatHex(sha.digest());
      record(req, bytes[0], hex, true);
      respond(req, action, p, bytes[0], hex);
    });
  }

  private void respond(HttpServerRequest req, String action, String[] p, long bytes, String sha) {
    JsonObject echo = new JsonObject().put("path", req.path()).put("bytes", bytes).put("sha256", sha);
    switch (action) {
      case "serve/status" -> req.response().setStatusCode(Integer.parseInt(p[5])).end(echo.encode());
      case "serve/slow" -> vertx.setTimer(Long.parseLong(p[5]), t -> {
        if (!req.response().closed() && !req.response().ended()) {
          req.response().end(echo.encode());
        }
      });
      case "serve/units" -> req.response().putHeader("X-Tollgate-Units", p[5]).end(echo.encode());
      case "serve/download" -> download(req, Long.parseLong(p[5]));
      case "serve/closing" -> {
        req.connection().closeHandler(v -> closedAfterAnswer.add(req.uri()));
        req.response().putHeader("Connection", "close").end(echo.encode());
      }
      case "serve/early" -> { } // answered when the head arrived
      case "serve/cut" -> req.response().setChunked(true).write(Buffer.buffer(new byte[Integer.parseInt(p[5])]))
          .onComplete(w -> req.connection().close());
      case "serve/cutlength" -> req.response().putHeader("Content-Length", p[5]).write(Buffer.buffer(new byte[10]))
          .onComplete(w -> req.connection().close());
      case "serve/cutlate" -> req.response().setChunked(true).write(Buffer.buffer(new byte[1000]))
          .onComplete(w -> vertx.setTimer(Long.parseLong(p[5]), t -> req.connection().close()));
      default -> req.response().putHeader("Content-Type", "application/json")
          .putHeader("X-Engine", "test").putHeader("Connection", "keep-alive, X-Engine-Private")
          .putHeader("X-Engine-Private", "secret-hop").end(echo.encode());
    }
  }

  private void download(HttpServerRequest req, long total) {
    req.response().setChunked(true);
    Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
    long[] left = {total};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (left[0] > 0 && !req.response().writeQueueFull()) {
        int n = (int) Math.min(left[0], chunk.length());
        req.response().write(n == chunk.length() ? chunk : chunk.getBuffer(0, n));
        left[0] -= n;
      }
      if (left[0] == 0) {
        req.response().end();
      } else {
        req.response().drainHandler(v -> pump[0].run());
      }
    };
    pump[0].run();
  }

  private void record(HttpServerRequest req, long bytes, String sha256, boolean complete) {
    Map<String, List<String>> h = new java.util.HashMap<>();
    req.headers().forEach((k, v) -> h.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new java.util.ArrayList<>())
        .add(v));
    seen.add(new Seen(req.method().name(), req.uri(), h, bytes, sha256, complete));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.close();
  }
}
