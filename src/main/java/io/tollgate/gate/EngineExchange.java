package io.tollgate.gate;

import io.tollgate.config.RouteSpec;
import io.tollgate.config.TollgateConfig;
import io.tollgate.edge.StrictHttp;
import io.tollgate.limits.Units;
import io.tollgate.metering.CommitTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * One allowed request forwarded to the engine: the body streamed up with back-pressure and a byte count (413 and
 * the upstream request reset past the limit, so the engine never sees a complete request), the answer streamed
 * back with filtered headers, and the usage settled: billed below 500, released at 500 and above or when the
 * engine cannot be reached (502) or is too slow (504). In strict mode the answer waits until its usage is durable:
 * when it is not within {@code metering.strict_commit_timeout}, the engine's answer is dropped and the client gets
 * {@code 503 store_unavailable} (the usage is taken back, never billed); when the engine then cuts its answer, the
 * committed usage is taken back, as in batch mode an engine that cuts its own answer is not billed.
 */
final class EngineExchange {
  private final Factory f;
  private final HttpServerRequest req;
  private final Decision.Allowed allowed;
  private final RouteSpec route;
  private final RequestTrace trace;
  private final Context context;
  private boolean answered;
  private boolean settled;
  /** What the request costs once the engine answered below 500: from then on it is billed, whatever the client does. */
  private Optional<Units> owed = Optional.empty();
  /** What strict mode committed before the answer went out: taken back if the engine then cuts its answer. */
  private Optional<Units> committed = Optional.empty();
  /** Whether the client went away while the answer was streamed (its fault: the request stays billed). */
  private boolean clientLeft;
  private HttpClientRequest upstream;

  /** Shared settings of every exchange with one engine. */
  record Factory(Vertx vertx, HttpClient client, URI engine, TollgateConfig.Edge edge, TrustedProxies trusted,
      GateMeter meter, boolean strict) {

    void forward(HttpServerRequest req, Decision.Allowed allowed, RouteSpec route, RequestTrace trace, long declared) {
      new EngineExchange(this, req, allowed, route, trace).start(declared);
    }
  }

  private EngineExchange(Factory f, HttpServerRequest req, Decision.Allowed allowed, RouteSpec route,
      RequestTrace trace) {
    this.f = f;
    this.req = req;
    this.allowed = allowed;
    this.route = route;
    this.trace = trace;
    this.context = f.vertx().getOrCreateContext();
  }

  private void start(long declaredLength) {
    req.exceptionHandler(e -> {
      clientFault(Refusal.BAD_REQUEST.code());
      refuse(Refusal.BAD_REQUEST, "the request body is malformed", true);
      if (upstream != null) {
        upstream.reset();
      }
    });
    String peer = req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress();
    MultiMap headers = EngineRequestHeaders.build(req.headers(), peer, f.trusted().trusts(peer), req.getHeader("Host"),
        trace.requestId(), allowed.entry(), allowed.request().namespace(), allowed.request().operation(),
        route.namespaceHeader(), f.edge().dropUnderscoreHeaders());
    String base = basePath(f.engine().getRawPath());
    boolean tls = "https".equals(f.engine().getScheme());
    RequestOptions options = new RequestOptions().setMethod(req.method()).setHost(f.engine().getHost())
        .setPort(f.engine().getPort() > 0 ? f.engine().getPort() : tls ? 443 : 80).setSsl(tls).setURI(base + req.uri())
        .setHeaders(headers).setConnectTimeout(f.edge().engineConnectTimeout().toMillis())
        .setIdleTimeout(f.edge().engineTimeout().toMillis());
    trace.engineStarted();
    f.client().request(options).onComplete(ar -> {
      if (ar.failed()) {
        engineFailed(ar.cause(), false);
        return;
      }
      HttpClientRequest up = ar.result();
      if (answered) {
        up.reset();
        return;
      }
      upstream = up;
      up.exceptionHandler(e -> { });
      up.response().onComplete(rar -> {
        if (rar.failed()) {
          engineFailed(rar.cause(), true);
        } else {
          answer(rar.result());
        }
      });
      upload(up, declaredLength);
    });
  }

  /** The engine URL's path without its trailing slash, prefixed to every forwarded request's URI. */
  static String basePath(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "";
    }
    return rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
  }

  private void upload(HttpClientRequest up, long declaredLength) {
    boolean chunked = req.headers().contains("Transfer-Encoding");
    if (!chunked && declaredLength == 0) {
      up.end();
      req.resume();
      return;
    }
    if (chunked) {
      up.setChunked(true);
    }
    long[] seen = {0};
    req.handler(buf -> {
      if (answered && !settledByAnswer()) {
        return;
      }
      seen[0] += buf.length();
      if (seen[0] > f.edge().maxBodyBytes()) {
        clientFault(Refusal.PAYLOAD_TOO_LARGE.code());
        refuse(Refusal.PAYLOAD_TOO_LARGE, "the request body is larger than allowed", true);
        up.reset();
        return;
      }
      up.write(buf);
      if (up.writeQueueFull()) {
        req.pause();
        up.drainHandler(v -> req.resume());
      }
    });
    req.endHandler(v -> {
      if (StrictHttp.framingError(req.connection()).isPresent()) {
        // the body was cut short by an invalid chunk: the engine must not get it as a complete request
        clientFault(Refusal.BAD_REQUEST.code());
        refuse(Refusal.BAD_REQUEST, "the request body is malformed", true);
        up.reset();
      } else {
        up.end();
      }
    });
    if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
      req.response().writeContinue();
    }
    req.resume();
  }

  private void answer(HttpClientResponse resp) {
    trace.engineAnswered();
    if (answered) {
      return;
    }
    int status = resp.statusCode();
    Units cost = status < 500 ? EngineUnits.cost(resp.getHeader(EngineUnits.HEADER), route.units(),
        f.edge().maxUnitsPerRequest(), trace) : Units.ZERO;
    if (status >= 500) {
      release(GateMeter.ENGINE_ERROR);
      trace.refused(GateMeter.ENGINE_ERROR);
    } else {
      owed = Optional.of(cost);
      trace.billed(cost);
    }
    if (f.strict() && status < 500) {
      resp.pause();
      settled = true;
      boolean charged = allowed.reservation().isOpen();
      boolean[] cutWhileWaiting = {false};
      resp.exceptionHandler(e -> cutWhileWaiting[0] = true);
      f.meter().billed(allowed, cost).whenComplete((v, e) -> context.runOnContext(x -> {
        if (e != null) {
          notRecorded(resp, cost, charged, e);
        } else if (cutWhileWaiting[0]) {
          // the engine failed its answer before any of it went out: not billed, and the client can still get a 502
          f.meter().takenBack(allowed, cost, Refusal.ENGINE_UNAVAILABLE.code());
          trace.billed(Units.ZERO);
          refuse(Refusal.ENGINE_UNAVAILABLE, "the engine cut its answer", true);
        } else {
          committed = Optional.of(cost);
          stream(resp, Optional.empty());
        }
      }));
      return;
    }
    stream(resp, status < 500 ? Optional.of(cost) : Optional.empty());
  }

  /**
   * Strict mode: the usage was not recorded (not within the commit bound, in which case the recorder took it back, or
   * the recorder was closing). The engine's answer is dropped, the quota gets the units back (when this request's
   * billing took them) and the client is told to retry.
   */
  private void notRecorded(HttpClientResponse resp, Units cost, boolean charged, Throwable failure) {
    if (charged) {
      f.meter().notRecorded(allowed, cost);
    }
    resp.request().reset();
    trace.billed(Units.ZERO); // the usage was not recorded: nothing was billed
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
        : failure;
    req.response().putHeader("Retry-After", Long.toString(ProxyHandler.STORE_RETRY.toSeconds()));
    refuse(Refusal.STORE_UNAVAILABLE, cause instanceof CommitTimeoutException
        ? "usage could not be recorded in time" : "usage could not be recorded durably", true);
  }

  /**
   * Sends the engine's answer, its body piped with back-pressure; bills {@code cost} once it has been streamed
   * (batch mode) or once the client is gone (a client fault after the engine answered is billed). An engine that
   * fails mid-body is not billed (batch mode: nothing was billed yet; strict mode: what was committed is taken back)
   * and the client's connection is closed without ending the body, so a cut body never looks complete.
   */
  private void stream(HttpClientResponse resp, Optional<Units> cost) {
    answered = true;
    HttpServerResponse out = req.response().setStatusCode(resp.statusCode());
    out.setStatusMessage(resp.statusMessage() == null ? "" : resp.statusMessage());
    MultiMap h = out.headers().addAll(resp.headers());
    HopByHop.strip(h);
    h.remove(EngineUnits.HEADER);
    out.putHeader("X-Request-Id", trace.requestId());
    RateLimitHeaders.add(out.headers(), allowed.entry().owner().limits(), Optional.of(allowed.rate()),
        Optional.of(allowed.quota()));
    if (!h.contains("Content-Length")) {
      out.setChunked(true);
    }
    out.closeHandler(v -> {
      if (!out.ended()) {
        clientLeft = true;
        clientFault(Refusal.BAD_REQUEST.code());
        resp.request().reset();
      }
    });
    resp.exceptionHandler(e -> {
      release(Refusal.ENGINE_UNAVAILABLE.code());
      if (committed.isPresent() && !clientLeft) {
        f.meter().takenBack(allowed, committed.get(), Refusal.ENGINE_UNAVAILABLE.code());
        committed = Optional.empty();
        trace.billed(Units.ZERO);
      }
      out.reset();
    });
    resp.handler(buf -> {
      out.write(buf);
      if (out.writeQueueFull()) {
        resp.pause();
        out.drainHandler(v -> resp.resume());
      }
    });
    resp.endHandler(v -> {
      cost.ifPresent(this::bill);
      out.end();
    });
    resp.resume();
  }

  /** Whether the engine's own answer is being streamed (body data still goes up then). */
  private boolean settledByAnswer() {
    return req.response().headWritten() && req.response().getStatusCode() != Refusal.PAYLOAD_TOO_LARGE.status()
        && req.response().getStatusCode() != Refusal.BAD_REQUEST.status();
  }

  /**
   * The engine failed: before a connection was had (connect refused or timed out, pool wait) it is 502; once the
   * request was sent, a timeout is 504 and anything else 502.
   */
  private void engineFailed(Throwable cause, boolean connected) {
    trace.engineAnswered();
    if (answered) {
      if (!req.response().ended()) {
        req.connection().close();
      }
      return;
    }
    boolean timeout = connected && (cause instanceof java.util.concurrent.TimeoutException
        || cause.getClass().getSimpleName().contains("Timeout"));
    Refusal r = timeout ? Refusal.ENGINE_TIMEOUT : Refusal.ENGINE_UNAVAILABLE;
    release(r.code());
    refuse(r, timeout ? "the engine did not answer in time" : "the engine cannot be reached", false);
  }

  /** A fault of the client's side: billed when the engine had already answered, released before that. */
  private void clientFault(String code) {
    if (owed.isPresent()) {
      bill(owed.get());
    } else {
      release(code);
    }
  }

  private void bill(Units cost) {
    if (!settled) {
      settled = true;
      f.meter().billed(allowed, cost);
    }
  }

  private void release(String code) {
    if (!settled) {
      settled = true;
      f.meter().released(allowed, code);
    }
  }

  private void refuse(Refusal reason, String detail, boolean close) {
    if (answered) {
      return;
    }
    answered = true;
    if (reason == Refusal.PAYLOAD_TOO_LARGE) {
      release(reason.code());
    }
    HttpServerResponse out = req.response();
    if (close || !req.isEnded()) {
      LingeringClose.arm(f.vertx(), req);
    }
    GateProblems.send(out, reason, detail, trace);
  }
}
