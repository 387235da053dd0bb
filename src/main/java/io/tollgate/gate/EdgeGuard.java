package io.tollgate.gate;

import io.tollgate.config.TollgateConfig;
import io.tollgate.edge.StrictHttp;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's edge rules before any routing: the strict decoder, which also closes a connection whose request headers
 * do not arrive within {@code header_timeout} (slowloris), and its framing errors' statuses; {@code CONNECT} 405; an
 * absolute-form target naming another host 421, any other non-origin form 400. Nothing refused here is forwarded,
 * and a request pipelined behind any answer that closes the connection is dropped unprocessed.
 */
final class EdgeGuard {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeGuard.class);
  private final HttpServerOptions options;
  private final Duration headerTimeout;

  EdgeGuard(TollgateConfig.Edge edge, HttpServerOptions options) {
    this.options = options;
    this.headerTimeout = edge.headerTimeout();
  }

  void onConnection(HttpConnection conn) {
    if (!StrictHttp.install(conn, options, headerTimeout)) {
      LOG.warn("the strict HTTP decoder could not be installed; ambiguous framing and slowloris are not detected");
    }
  }

  /** Whether the request may go on; otherwise it has been answered and its connection will close. */
  boolean admit(HttpServerRequest req, RequestTrace trace) {
    if (StrictHttp.refusesFurtherRequests(req.connection())) {
      req.connection().close(); // pipelined behind an answer that closes the connection: never processed
      return false;
    }
    var framing = StrictHttp.framingError(req.connection());
    if (framing.isPresent()) {
      return refuse(req, framing.get().status(), framing.get().code(), framing.get().title(), trace);
    }
    if (!GateServer.isHttp1(req.version())) {
      return refuse(req, 505, "http_version_not_supported", "HTTP version not supported", trace);
    }
    if (req.method() == HttpMethod.CONNECT) {
      return refuse(req, 405, "method_not_allowed", "CONNECT is not supported", trace);
    }
    String uri = req.uri();
    if (!uri.startsWith("/")) {
      try {
        URI target = URI.create(uri);
        String host = req.getHeader("Host");
        if (target.getHost() != null && (host == null || !host.equalsIgnoreCase(target.getRawAuthority()))) {
          return refuse(req, 421, "misdirected_request", "the target names another host", trace);
        }
      } catch (IllegalArgumentException e) {
        // not a URI at all: a bad request
      }
      return refuse(req, 400, "bad_request", "only origin-form request targets are accepted", trace);
    }
    return true;
  }

  private static boolean refuse(HttpServerRequest req, int status, String code, String title, RequestTrace trace) {
    StrictHttp.refuseFurtherRequests(req.connection());
    req.response().putHeader("Connection", "close").endHandler(v -> req.connection().close());
    GateProblems.send(req.response(), status, code, title, title, trace);
    return false;
  }
}
