package io.tollgate.gate;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The running gate listener: one server per event loop on one port, and whether it is draining. Thread-safe.
 */
public final class GateListener {
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private volatile boolean draining;

  GateListener() {}

  void add(HttpServer server) {
    servers.add(server);
  }

  /** The port it listens on (the one picked when 0 was asked). */
  public int port() {
    return servers.getFirst().actualPort();
  }

  /** Whether {@link #drain} was called: {@code GET /health} then answers {@code 503 draining}. */
  public boolean draining() {
    return draining;
  }

  /**
   * Stops accepting connections and closes the idle ones at once; a connection with a request in flight is closed
   * once its answer has been sent, or after {@code timeout} whatever its state. The future completes when every
   * connection is closed. Call once.
   */
  public Future<Void> drain(Duration timeout) {
    draining = true;
    return Future.all(servers.stream().map(s -> s.shutdown(timeout.toMillis(), TimeUnit.MILLISECONDS)).toList())
        .mapEmpty();
  }
}
