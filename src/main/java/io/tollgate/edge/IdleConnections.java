package io.tollgate.edge;

import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Closes a keep-alive connection that stays idle for {@code idle_timeout} after its last answer. Unlike a socket
 * idle timer it never runs while a request is in flight, so a slow request (on the gate, a slow engine bounded by
 * {@code engine_timeout}) is never cut off by it.
 *
 * <p>A request costs no timer: each connection has at most one timer armed, which, when it fires, closes the
 * connection if it has been idle for the whole timeout, waits out the rest if an answer came since, or lets the next
 * answer arm it again if a request is in flight (a timer set and cancelled per request was about 5 % of the proxied
 * path's CPU). Used from the event loops only; each connection stays on one loop, and so do its timers.
 */
public final class IdleConnections {
  private final Vertx vertx;
  private final long idleMs;
  private final long idleNanos;
  private static final AttributeKey<Idle> STATE = AttributeKey.valueOf("tollgate.idle");
  private final ThreadLocal<Map<HttpConnection, Idle>> states = ThreadLocal.withInitial(WeakHashMap::new);

  /** One connection's requests in flight, when its last answer was sent, and whether its timer is armed. */
  private static final class Idle {
    int inFlight;
    long idleSince;
    boolean armed;
  }

  public IdleConnections(Vertx vertx, long idleMs) {
    this.vertx = vertx;
    this.idleMs = idleMs;
    this.idleNanos = idleMs * 1_000_000L;
  }

  /** A request arrived: its connection is busy until {@link #idle} is called when its answer has been sent. */
  public void busy(HttpServerRequest req) {
    state(req.connection()).inFlight++;
  }

  /** The answer on {@code conn} has been sent: once no other request is in flight, the idle time starts. */
  public void idle(HttpConnection conn) {
    Idle s = state(conn);
    s.inFlight = Math.max(0, s.inFlight - 1);
    if (s.inFlight > 0) {
      return;
    }
    s.idleSince = System.nanoTime();
    if (!s.armed) {
      s.armed = true;
      vertx.setTimer(idleMs, id -> check(conn, s));
    }
  }

  /**
   * The connection's state: on its channel (an attribute read, where a per-thread weak map lookup was about 1 % of
   * a proxied request's CPU samples), or in the weak map for a connection that has no Netty channel.
   */
  private Idle state(HttpConnection conn) {
    if (conn instanceof ConnectionBase base) {
      Attribute<Idle> a = base.channel().attr(STATE);
      Idle s = a.get();
      if (s == null) {
        s = new Idle();
        a.set(s);
      }
      return s;
    }
    return states.get().computeIfAbsent(conn, c -> new Idle());
  }

  private void check(HttpConnection conn, Idle s) {
    if (s.inFlight > 0) {
      s.armed = false; // busy: the answer that ends it arms the timer again
      return;
    }
    long left = idleNanos - (System.nanoTime() - s.idleSince);
    if (left > 0) {
      vertx.setTimer(Math.max(1, (left + 999_999) / 1_000_000), id -> check(conn, s));
      return;
    }
    states.get().remove(conn);
    conn.close();
  }
}
