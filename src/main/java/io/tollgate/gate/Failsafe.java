package io.tollgate.gate;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where an unexpected exception on the decision path becomes an answer: {@code 500 internal_error}
 * as a problem body, the request's reservation undone (its rate token and units given back, unless it was already
 * billed or released) and then counted as {@code internal_error} against its customer's SLA, and the connection
 * closed after the answer, so nothing hangs and the customer's next request
 * is decided as if this one never came. Used on the event loop.
 */
final class Failsafe {
  private static final Logger LOG = LoggerFactory.getLogger(Failsafe.class);

  private final Vertx vertx;
  private final Decider decider;
  private final GateMeter meter;

  Failsafe(Vertx vertx, Decider decider, GateMeter meter) {
    this.vertx = vertx;
    this.decider = decider;
    this.meter = meter;
  }

  /** Runs {@code step}; any exception it throws is answered as described above. */
  void run(HttpServerRequest req, RequestTrace trace, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      failed(req, trace, e);
    }
  }

  /** {@code handler}, guarded by {@link #run}: for callbacks that run later (body, end, a billing's completion). */
  <T> Handler<T> guard(HttpServerRequest req, RequestTrace trace, Handler<T> handler) {
    return value -> run(req, trace, () -> handler.handle(value));
  }

  /** A decision's completion: {@code handler} with the result, guarded by {@link #run}; a failure is answered as there. */
  <T> Handler<AsyncResult<T>> result(HttpServerRequest req, RequestTrace trace, Handler<T> handler) {
    return ar -> {
      if (ar.failed()) {
        failed(req, trace, ar.cause());
      } else {
        run(req, trace, () -> handler.handle(ar.result()));
      }
    };
  }

  private void failed(HttpServerRequest req, RequestTrace trace, Throwable e) {
    LOG.error("request {} failed on the decision path; answered 500", trace.requestId(), e);
    try {
      // an allowed request still holding its reservation was neither billed nor counted: it fails its customer's SLA
      trace.allowed().filter(decider::undo).ifPresent(meter::failed);
    } catch (RuntimeException undo) {
      LOG.error("request {}: its reservation could not be given back", trace.requestId(), undo);
    }
    try {
      if (!req.response().headWritten()) {
        LingeringClose.arm(vertx, req);
        GateProblems.send(req.response(), Refusal.INTERNAL_ERROR, "the request could not be decided; see the log",
            trace);
      } else if (!req.response().ended()) {
        req.connection().close();
      }
    } catch (RuntimeException answer) {
      LOG.error("request {}: no answer could be sent; closing the connection", trace.requestId(), answer);
      req.connection().close();
    }
  }
}
