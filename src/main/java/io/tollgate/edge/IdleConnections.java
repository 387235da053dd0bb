package io.tollgate.edge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Closes a keep-alive connection that stays idle for {@code idle_timeout} after its last answer. Unlike a socket
 * idle timer it never runs while a request is in flight, so a slow request (on the gate, a slow engine bounded by
 * {@code engine_timeout}) is never cut off by it. Used from the event loops only; each connection stays on one loop.
 */
public final class IdleConnections {
  private final Vertx vertx;
  private final long idleMs;
  private final ThreadLocal<Map<HttpConnection, Long>> timers = ThreadLocal.withInitial(WeakHashMap::new);

  public IdleConnections(Vertx vertx, long idleMs) {
    this.vertx = vertx;
    this.idleMs = idleMs;
  }

  /** A request arrived: its connection is busy until {@link #idle} is called when its answer has been sent. */
  public void busy(HttpServerRequest req) {
    Long timer = timers.get().remove(req.connection());
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  /** The answer on {@code conn} has been sent: the idle timer starts. */
  public void idle(HttpConnection conn) {
    Map<HttpConnection, Long> map = timers.get();
    Long old = map.put(conn, vertx.setTimer(idleMs, id -> {
      if (map.remove(conn) != null) {
        conn.close();
      }
    }));
    if (old != null) {
      vertx.cancelTimer(old);
    }
  }
}
