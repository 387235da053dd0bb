package io.tollgate.gate;

import io.tollgate.edge.ClientAddress;
import io.tollgate.limits.Units;
import io.tollgate.registry.RegistryView.KeyEntry;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.Optional;

/**
 * What the handlers learn about one gate request as they go, turned into a {@link GateOutcome} once, when its answer
 * ends or its connection closes first. Confined to the request's event loop.
 */
final class RequestTrace {
  private final String requestId;
  private final Instant at;
  private final long startNanos;
  private String mode = "proxy";
  private String client;
  private KeyEntry entry;
  private Decision.Allowed allowed;
  private String namespace;
  private String operation;
  private long unitsMilli;
  private String code;
  private long decisionNanos = -1;
  private long engineStartNanos;
  private long engineNanos = -1;
  private boolean finished;
  private boolean engineUnitsRejected;

  RequestTrace(String requestId, Instant at, long startNanos) {
    this.requestId = requestId;
    this.at = at;
    this.startNanos = startNanos;
  }

  String requestId() {
    return requestId;
  }

  /** The client's address, read once per request (forwarded in {@code X-Forwarded-For}, then logged). */
  String client(HttpServerRequest req) {
    if (client == null) {
      client = ClientAddress.of(req);
    }
    return client;
  }

  void mode(String m) {
    mode = m;
  }

  /** The decision and how long it took. */
  void decided(Decision d, GateRequest r, long nanos) {
    decisionNanos = nanos;
    namespace = r.namespace();
    operation = r.operation();
    switch (d) {
      case Decision.Allowed a -> {
        entry = a.entry();
        allowed = a;
      }
      case Decision.Refused f -> {
        entry = f.entry().orElse(null);
        code = f.reason().code();
      }
    }
  }

  /** The request's allowed decision, once it was decided so. */
  Optional<Decision.Allowed> allowed() {
    return Optional.ofNullable(allowed);
  }

  /** A route matched, before any decision (a refusal at the body's size still names the operation). */
  void routed(RouteTable.Match m) {
    operation = m.route().operation();
  }

  /** The answer is (or will be) a problem with this code. */
  void refused(String problemCode) {
    code = problemCode;
  }

  void billed(Units units) {
    unitsMilli = units.milli();
  }

  /** The engine reported units that break the rule; the route's were billed. */
  void engineUnitsRejected() {
    engineUnitsRejected = true;
  }

  void engineStarted() {
    engineStartNanos = System.nanoTime();
  }

  void engineAnswered() {
    if (engineStartNanos != 0 && engineNanos < 0) {
      engineNanos = System.nanoTime() - engineStartNanos;
    }
  }

  /** Hands the outcome to {@code observer}, the first time only; {@code ended} says whether the answer was sent. */
  void finish(HttpServerRequest req, boolean ended, GateObserver observer) {
    if (finished) {
      return;
    }
    finished = true;
    String client = client(req);
    int status = ended ? req.response().getStatusCode() : GateOutcome.CLIENT_CLOSED;
    observer.completed(new GateOutcome(at, requestId, mode, req.method().name(), client,
        entry == null ? Optional.empty() : Optional.of(entry.owner().customer().id()),
        entry == null ? Optional.empty() : Optional.of(entry.key().id()),
        Optional.ofNullable(namespace), Optional.ofNullable(operation), unitsMilli, status, Optional.ofNullable(code),
        System.nanoTime() - startNanos, decisionNanos < 0 ? Optional.empty() : Optional.of(decisionNanos),
        engineNanos < 0 ? Optional.empty() : Optional.of(engineNanos), req.bytesRead(),
        req.response().bytesWritten(), engineUnitsRejected));
  }
}
