package io.tollgate.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.config.TollgateConfig;
import io.tollgate.edge.IdleConnections;
import io.tollgate.edge.StrictHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps the admin listener from holding the process's file descriptors: at most {@code admin.max_connections}
 * connections at once (one beyond is closed as soon as it is accepted, and counted), the strict decoder with
 * {@code admin.header_timeout} (slowloris), and {@code admin.idle_timeout} after each answer.
 */
final class AdminConnections {
  private static final Logger LOG = LoggerFactory.getLogger(AdminConnections.class);
  private final HttpServerOptions options;
  private final Duration headerTimeout;
  private final IdleConnections idle;
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter refused;

  AdminConnections(Vertx vertx, TollgateConfig.Admin config, HttpServerOptions options, MeterRegistry registry) {
    this.options = options;
    this.headerTimeout = config.headerTimeout();
    this.idle = new IdleConnections(vertx, config.idleTimeout().toMillis());
    this.max = config.maxConnections();
    this.refused = Counter.builder("tollgate.admin.connections.refused")
        .description("Admin connections closed at once because admin.max_connections were open").register(registry);
    Gauge.builder("tollgate.admin.connections.open", open, AtomicInteger::get)
        .description("Admin connections open").register(registry);
  }

  /** The server's connection handler. */
  void onConnection(HttpConnection conn) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refused.increment();
      conn.close();
      return;
    }
    conn.closeHandler(v -> open.decrementAndGet());
    if (!StrictHttp.install(conn, options, headerTimeout)) {
      LOG.warn("the strict HTTP decoder could not be installed on the admin listener; slowloris is not detected");
    }
  }

  /** The first route: the connection is busy until this request's answer has been sent, then idle. */
  void track(RoutingContext ctx) {
    idle.busy(ctx.request());
    HttpConnection conn = ctx.request().connection();
    ctx.addBodyEndHandler(v -> idle.idle(conn));
    ctx.next();
  }
}
