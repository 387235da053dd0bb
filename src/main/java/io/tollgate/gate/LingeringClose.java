package io.tollgate.gate;

import io.tollgate.edge.StrictHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * Closes a connection after a refusal without cutting off a client that is still sending its body: the rest is
 * read and dropped for up to {@value #LINGER_MS} ms, so the client gets to read the answer (what nginx calls
 * lingering close) and nothing more of the request, nor any request pipelined behind it, is processed.
 */
final class LingeringClose {
  static final long LINGER_MS = 2000;

  private LingeringClose() {}

  /** Marks the answer {@code Connection: close}; after it is sent, drains and closes. Call before ending it. */
  static void arm(Vertx vertx, HttpServerRequest req) {
    StrictHttp.refuseFurtherRequests(req.connection());
    req.response().putHeader("Connection", "close");
    req.response().endHandler(v -> {
      if (req.isEnded()) {
        req.connection().close();
        return;
      }
      long timer = vertx.setTimer(LINGER_MS, t -> req.connection().close());
      req.handler(buf -> { });
      req.endHandler(e -> {
        vertx.cancelTimer(timer);
        req.connection().close();
      });
      req.resume();
    });
  }
}
