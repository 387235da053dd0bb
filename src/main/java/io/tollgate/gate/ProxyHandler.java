package io.tollgate.gate;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.tollgate.config.TollgateConfig;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The proxy's request side: route, declared body size, the decision; then an {@link EngineExchange} forwards an
 * allowed request. Runs on the event loop and never blocks.
 */
final class ProxyHandler {
  /** A refused request's body up to this size is read and dropped to keep the connection; beyond, it is closed. */
  private static final long DRAIN_LIMIT = 64 * 1024;
  /** What a strict-mode refusal for a failing store tells the client to wait. */
  static final Duration STORE_RETRY = Duration.ofSeconds(1);

  private final Supplier<RouteTable> routes;
  private final Decider decider;
  private final GateMeter meter;
  private final EngineExchange.Factory exchanges;
  private final TollgateConfig.Edge edge;
  private final InstantSource clock;
  private final Failsafe failsafe;

  ProxyHandler(Supplier<RouteTable> routes, Decider decider, GateMeter meter, EngineExchange.Factory exchanges,
      TollgateConfig.Edge edge, InstantSource clock, Failsafe failsafe) {
    this.failsafe = failsafe;
    this.routes = routes;
    this.decider = decider;
    this.meter = meter;
    this.exchanges = exchanges;
    this.edge = edge;
    this.clock = clock;
  }

  void handle(HttpServerRequest req, RequestTrace trace) {
    req.pause();
    req.exceptionHandler(e -> {
      if (!req.response().headWritten()) {
        refuse(req, Decision.Refused.of(Refusal.BAD_REQUEST), trace);
      }
    });
    Optional<RouteTable.Match> match = routes.get().match(req.method().name(), req.path());
    if (match.isEmpty()) {
      refuse(req, Decision.Refused.of(Refusal.ROUTE_NOT_FOUND), trace);
      return;
    }
    trace.routed(match.get());
    OptionalLong declared = declaredLength(req);
    if (declared.invalid) {
      refuse(req, Decision.Refused.of(Refusal.BAD_REQUEST), trace);
      return;
    }
    if (declared.length > edge.maxBodyBytes()) {
      refuse(req, Decision.Refused.of(Refusal.PAYLOAD_TOO_LARGE), trace);
      return;
    }
    RouteTable.Match m = match.get();
    if (exchanges.strict() && meter.storeFailing()) {
      // strict metering cannot record usage now: refuse before forwarding rather than hold the answer; counted
      // against the customer the view would have let through (from memory, on this path only)
      Decision.Refused r = decider.storeUnavailable(GateRequest.routed(m, req.headers()), clock.instant(),
          STORE_RETRY);
      meter.refused(r, clock.instant());
      refuse(req, r, trace);
      return;
    }
    Optional<GateRequest> routed = GateRequest.routed(m, req.headers());
    if (routed.isEmpty()) {
      refuse(req, Decision.Refused.of(Refusal.BAD_REQUEST), trace);
      return;
    }
    GateRequest gr = routed.get();
    decider.decide(gr, clock.instant(), trace).onComplete(failsafe.result(req, trace, d -> {
      switch (d) {
        case Decision.Refused r -> {
          meter.refused(r, clock.instant());
          refuse(req, r, trace);
        }
        case Decision.Allowed a -> exchanges.forward(req, a, m.route(), trace, declared.length);
      }
    }));
  }

  /** Answers the refusal; keeps the connection only when the unread body is small enough to drop. */
  private void refuse(HttpServerRequest req, Decision.Refused r, RequestTrace trace) {
    OptionalLong declared = declaredLength(req);
    boolean chunked = req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
    boolean keep = !declared.invalid && !chunked && declared.length <= DRAIN_LIMIT
        && r.reason() != Refusal.PAYLOAD_TOO_LARGE && r.reason() != Refusal.BAD_REQUEST;
    if (!keep) {
      LingeringClose.arm(exchanges.vertx(), req);
    }
    GateProblems.send(req.response(), r, trace);
    if (keep) {
      req.resume();
    }
  }

  /** The declared Content-Length: 0 when absent, invalid when it is not one non-negative number. */
  private static OptionalLong declaredLength(HttpServerRequest req) {
    if (!req.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return NO_BODY;
    }
    var values = req.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
    if (values.size() > 1 || req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      return new OptionalLong(0, true);
    }
    try {
      long v = Long.parseLong(values.get(0).trim());
      return new OptionalLong(v, v < 0);
    } catch (NumberFormatException e) {
      return new OptionalLong(0, true);
    }
  }

  private record OptionalLong(long length, boolean invalid) {}

  private static final OptionalLong NO_BODY = new OptionalLong(0, false);
}
