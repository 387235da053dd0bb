package io.tollgate.gate;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.tollgate.config.RouteSpec;
import io.tollgate.config.TollgateConfig;
import io.tollgate.edge.StrictHttp;
import io.tollgate.limits.Units;
import io.tollgate.metering.CommitTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
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
 *
 * <p>The client's side (its connection closing, its body failing or growing past the limit) is watched for the
 * whole exchange, the strict commit wait included, and each event counts by the {@link Phase} it arrives in:
 * before the engine answered a client fault is not billed and aborts the engine request; from the engine's answer
 * on the request is billed, unless the engine cuts its answer first. After the engine answered, the first
 * {@link Fault} decides, and what follows from it (the engine request this exchange resets after a client fault,
 * the client connection it resets after an engine cut) changes nothing.
 */
final class EngineExchange {
  /** Where the exchange is. */
  private enum Phase {
    /** The engine has not answered yet: a fault of either side is not billed. */
    WAITING,
    /** Strict mode: the engine answered below 500 and its usage is being committed; nothing was sent yet. */
    COMMITTING,
    /** The engine's answer is being sent to the client. */
    STREAMING,
    /** Settled and answered (or the client is gone): later events change nothing. */
    DONE
  }

  /** The first fault after the engine answered: it decides whether the request is billed. */
  private enum Fault {
    NONE,
    /** The engine failed its own answer before any client fault: not billed. */
    ENGINE_CUT,
    /** The client's body failed or passed the limit after the engine answered: billed. */
    CLIENT_FAULT,
    /** The client's connection closed after the engine answered: billed. */
    CLIENT_GONE
  }

  /** An answer with a Content-Length up to this is read whole and sent at once; longer or chunked, it is streamed. */
  static final int WHOLE_BODY_LIMIT = 64 * 1024;
  private static final String ENGINE_UNITS = EngineUnits.HEADER.toLowerCase(java.util.Locale.ROOT);
  /** Looked up in every engine answer: pre-encoded, its hash is not computed again per answer. */
  private static final CharSequence ENGINE_UNITS_NAME = HttpHeaders.createOptimized(EngineUnits.HEADER);

  private final Factory f;
  private final HttpServerRequest req;
  private final Decision.Allowed allowed;
  private final RouteSpec route;
  private final RequestTrace trace;
  private final Context context;
  private Phase phase = Phase.WAITING;
  private Fault fault = Fault.NONE;
  private boolean settled;
  /** What strict mode committed before the answer went out: taken back if the engine then cuts its answer. */
  private Optional<Units> committed = Optional.empty();
  /** What the request costs once the engine answered below 500: from then on it is billed, whatever the client does. */
  private Optional<Units> owed = Optional.empty();
  private HttpClientRequest upstream;
  /**
   * While the engine request waits for its answer head, and then while its body streams: its
   * {@code engine_timeout} (for the body, counted from the engine's last data).
   */
  private Optional<EngineDeadlines.Waiting> waiting = Optional.empty();
  /** While the body streams: when the engine's last data came ({@link System#nanoTime}). */
  private long lastData;
  /** While the body streams: the engine's answer is paused because the client reads slower than it sends. */
  private boolean heldBack;

  /** Shared settings of every exchange with one engine. */
  record Factory(Vertx vertx, HttpClient client, URI engine, TollgateConfig.Edge edge, TrustedProxies trusted,
      GateMeter meter, boolean strict, EngineDeadlines deadlines) {

    boolean tls() {
      return "https".equals(engine.getScheme());
    }

    String engineHost() {
      return engine.getHost();
    }

    int enginePort() {
      return engine.getPort() > 0 ? engine.getPort() : tls() ? 443 : 80;
    }

    String basePath() {
      return EngineExchange.basePath(engine.getRawPath());
    }

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
    // both for the whole exchange: a fault of the body (malformed, cut short) and the client's connection closing
    // before the answer was sent; Vert.x calls the response's handler only while the response is not ended
    req.exceptionHandler(e -> bodyFault(Refusal.BAD_REQUEST, "the request body is malformed"));
    req.response().exceptionHandler(e -> clientGone());
    RequestOptions options = new RequestOptions().setMethod(req.method()).setHost(f.engineHost())
        .setPort(f.enginePort()).setSsl(f.tls()).setURI(f.basePath() + req.uri())
        .setConnectTimeout(f.edge().engineConnectTimeout().toMillis());
    trace.engineStarted();
    f.client().request(options).onComplete(ar -> {
      if (ar.failed()) {
        engineFailed(ar.cause(), false);
        return;
      }
      HttpClientRequest up = ar.result();
      if (phase != Phase.WAITING) {
        up.reset();
        return;
      }
      upstream = up;
      // engine_timeout from here until the answer's head, as the request's own idle timeout counted it before
      waiting = Optional.of(f.deadlines().start(this::engineTimedOut));
      // straight into the engine request's headers: built once, not copied again by the client
      String peer = trace.client(req);
      EngineRequestHeaders.copy(req.headers(), up.headers(), peer, f.trusted().trusts(peer),
          req.getHeader(HttpHeaderNames.HOST), trace.requestId(), allowed.entry(), allowed.request().namespace(),
          allowed.request().operation(), route.namespaceHeader(), f.edge().dropUnderscoreHeaders());
      up.exceptionHandler(e -> { });
      up.response().onComplete(rar -> {
        waiting.ifPresent(EngineDeadlines.Waiting::done);
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
    boolean chunked = req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
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
      if (!uploading()) {
        return;
      }
      seen[0] += buf.length();
      if (seen[0] > f.edge().maxBodyBytes()) {
        bodyFault(Refusal.PAYLOAD_TOO_LARGE, "the request body is larger than allowed");
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
        bodyFault(Refusal.BAD_REQUEST, "the request body is malformed");
      } else if (uploading()) {
        up.end();
      }
    });
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaderNames.EXPECT))) {
      req.response().writeContinue();
    }
    req.resume();
  }

  /** Whether the client's body still goes up: no fault of either side so far. */
  private boolean uploading() {
    return phase != Phase.DONE && fault == Fault.NONE;
  }

  private void answer(HttpClientResponse resp) {
    trace.engineAnswered();
    if (phase != Phase.WAITING) {
      return; // the client faulted or left first: the engine request was reset
    }
    int status = resp.statusCode();
    if (status >= 500) {
      release(GateMeter.ENGINE_ERROR);
      trace.refused(GateMeter.ENGINE_ERROR);
      stream(resp, Optional.empty());
      return;
    }
    Units cost = EngineUnits.cost(resp.getHeader(ENGINE_UNITS_NAME), route.units(), f.edge().maxUnitsPerRequest(),
        trace);
    owed = Optional.of(cost);
    trace.billed(cost);
    if (!f.strict()) {
      stream(resp, Optional.of(cost));
      return;
    }
    phase = Phase.COMMITTING;
    resp.pause();
    resp.exceptionHandler(e -> engineCut(Refusal.ENGINE_UNAVAILABLE));
    settled = true;
    boolean charged = allowed.reservation().isOpen();
    f.meter().billed(allowed, cost).whenComplete((v, e) -> context.runOnContext(x -> committed(resp, cost, charged,
        Optional.ofNullable(e))));
  }

  /**
   * Strict mode: the usage's commit is over, {@code failure} when it was not recorded. What happened meanwhile
   * decides: nothing, and the answer goes out; the engine cut its answer first, and the committed usage is taken
   * back (502); the client left first, and the request stays billed (nothing to send); the client's body failed
   * first, and the request stays billed and the client gets the engine's status, then the connection closes
   * without a complete body, as in batch mode where the head had gone out.
   */
  private void committed(HttpClientResponse resp, Units cost, boolean charged, Optional<Throwable> failure) {
    if (failure.isPresent()) {
      notRecorded(resp, cost, charged, failure.get());
      return;
    }
    switch (fault) {
      case NONE -> {
        committed = Optional.of(cost);
        stream(resp, Optional.empty());
      }
      case ENGINE_CUT -> {
        // the engine failed its answer before any of it went out: not billed, and the client can still get a 502
        f.meter().takenBack(allowed, cost, Refusal.ENGINE_UNAVAILABLE.code());
        trace.billed(Units.ZERO);
        refuse(Refusal.ENGINE_UNAVAILABLE, "the engine cut its answer", true);
      }
      case CLIENT_GONE -> done();
      case CLIENT_FAULT -> {
        done();
        HttpServerResponse out = head(resp);
        if (!out.closed()) {
          out.writeHead().onComplete(w -> req.connection().close());
        }
      }
    }
  }

  /**
   * Strict mode: the usage was not recorded (not within the commit bound, or the recorder was closing; either way
   * the recorder took it back). The engine's answer is dropped, the quota gets the units back (when this request's
   * billing took them) and the client, if still there, is told to retry: whatever else happened meanwhile, a request
   * whose usage could not be recorded is not billed.
   */
  private void notRecorded(HttpClientResponse resp, Units cost, boolean charged, Throwable failure) {
    f.meter().notRecorded(allowed, cost, charged);
    resp.request().reset();
    trace.billed(Units.ZERO); // the usage was not recorded: nothing was billed
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
        : failure;
    req.response().putHeader("Retry-After", Long.toString(ProxyHandler.STORE_RETRY.toSeconds()));
    refuse(Refusal.STORE_UNAVAILABLE, cause instanceof CommitTimeoutException
        ? "usage could not be recorded in time" : "usage could not be recorded durably", true);
  }

  /** The client's answer with the engine's status and filtered headers, not written yet. */
  private HttpServerResponse head(HttpClientResponse resp) {
    HttpServerResponse out = req.response().setStatusCode(resp.statusCode());
    out.setStatusMessage(resp.statusMessage() == null ? "" : resp.statusMessage());
    MultiMap h = out.headers();
    HopByHop.copyEndToEnd(resp.headers(), h, ENGINE_UNITS);
    h.set(EngineRequestHeaders.X_REQUEST_ID, trace.requestId());
    RateLimitHeaders.add(h, allowed.entry().owner().limits(), allowed.rate(), allowed.quota());
    if (!h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      out.setChunked(true);
    }
    return out;
  }

  /**
   * Sends the engine's answer, its body piped with back-pressure; bills {@code cost} once it has been streamed
   * (batch mode) or once the client is gone (a client fault after the engine answered is billed). An engine that
   * fails mid-body is not billed (batch mode: nothing was billed yet; strict mode: what was committed is taken back)
   * and the client's connection is closed without ending the body, so a cut body never looks complete.
   */
  private void stream(HttpClientResponse resp, Optional<Units> cost) {
    phase = Phase.STREAMING;
    HttpServerResponse out = head(resp);
    resp.exceptionHandler(e -> engineCut(Refusal.ENGINE_UNAVAILABLE));
    lastData = System.nanoTime();
    watchBody(resp);
    int small = smallLength(resp);
    if (small >= 0) {
      // read whole, then sent with its head in one write: bounded by WHOLE_BODY_LIMIT
      Buffer whole = Buffer.buffer(small);
      resp.handler(buf -> {
        lastData = System.nanoTime();
        whole.appendBuffer(buf);
      });
      resp.endHandler(v -> {
        if (phase == Phase.STREAMING) {
          done();
          cost.ifPresent(this::bill);
          out.end(whole);
        }
      });
      resp.resume();
      return;
    }
    resp.handler(buf -> {
      lastData = System.nanoTime();
      out.write(buf);
      if (out.writeQueueFull()) {
        heldBack = true; // no data while paused by the client's pace: not the engine's stall
        resp.pause();
        out.drainHandler(v -> {
          heldBack = false;
          lastData = System.nanoTime();
          resp.resume();
        });
      }
    });
    resp.endHandler(v -> {
      if (phase == Phase.STREAMING) {
        done();
        cost.ifPresent(this::bill);
        out.end();
      }
    });
    resp.resume();
  }

  /**
   * Watches the streaming body for {@code engine_timeout} without data from the engine: the watch is placed again
   * from the last data while data keeps coming (or while the client holds the engine back), and cuts the exchange
   * once the engine has sent nothing for that long, as an engine that closes mid-body is cut.
   */
  private void watchBody(HttpClientResponse resp) {
    waiting = Optional.of(f.deadlines().startFrom(lastData, () -> {
      if (phase != Phase.STREAMING) {
        return;
      }
      if (heldBack) {
        lastData = System.nanoTime();
      }
      if (System.nanoTime() - lastData < f.deadlines().timeoutNanos()) {
        watchBody(resp);
      } else {
        engineCut(Refusal.ENGINE_TIMEOUT); // first: the reset below fails the answer, which must not count as a cut
        resp.request().reset();
      }
    }));
  }

  /** The exchange is over: its engine_timeout watch, if any, is dropped at once. */
  private void done() {
    phase = Phase.DONE;
    waiting.ifPresent(EngineDeadlines.Waiting::done);
  }

  /** The answer's one Content-Length when it is at most {@link #WHOLE_BODY_LIMIT} bytes, else -1; read once. */
  private static int smallLength(HttpClientResponse resp) {
    String length = resp.getHeader(HttpHeaderNames.CONTENT_LENGTH);
    if (length == null || length.isEmpty() || length.length() > 6) {
      return -1;
    }
    for (int i = 0; i < length.length(); i++) {
      if (length.charAt(i) < '0' || length.charAt(i) > '9') {
        return -1;
      }
    }
    int n = Integer.parseInt(length);
    return n <= WHOLE_BODY_LIMIT ? n : -1;
  }

  /**
   * The engine's answer failed after its head ({@code why}: it closed, or stalled for {@code engine_timeout}): what
   * it means depends on whether a client fault came first.
   */
  private void engineCut(Refusal why) {
    if (phase == Phase.COMMITTING) {
      firstFault(Fault.ENGINE_CUT); // decided once the commit is over
    } else if (phase == Phase.STREAMING) {
      done();
      firstFault(Fault.ENGINE_CUT);
      release(why.code());
      committed.ifPresent(c -> {
        f.meter().takenBack(allowed, c, why.code());
        trace.billed(Units.ZERO);
      });
      committed = Optional.empty();
      HttpServerResponse out = req.response();
      if (out.headWritten() || out.closed()) {
        out.reset(); // part of the answer went out: the connection closes, so the cut never looks complete
      } else {
        // nothing went out yet (a small answer read whole, or a stream before its first data): the client gets
        // the problem document an engine failing before its head gives, without any of the engine's headers
        out.headers().clear();
        out.setChunked(false).setStatusMessage(HttpResponseStatus.valueOf(why.status()).reasonPhrase());
        refuse(why, why == Refusal.ENGINE_TIMEOUT ? "the engine stopped sending its answer"
            : "the engine cut its answer", true);
      }
    }
  }

  /**
   * The client's connection closed before its answer was sent: before the engine answered it is not billed (the
   * engine request is aborted); after, it is billed, and the engine's answer is not read any further.
   */
  private void clientGone() {
    switch (phase) {
      case WAITING -> {
        done();
        release(Refusal.BAD_REQUEST.code());
        abortUpstream();
      }
      case COMMITTING -> {
        firstFault(Fault.CLIENT_GONE);
        abortUpstream();
      }
      case STREAMING -> {
        done();
        firstFault(Fault.CLIENT_GONE);
        owed.ifPresent(this::bill);
        abortUpstream();
      }
      case DONE -> { }
    }
  }

  /**
   * The client's body is malformed or past the limit: before the engine answered it is refused ({@code reason})
   * and not billed; after, it is billed, and the upload is cut (the engine never gets a complete request) and the
   * client's connection closed.
   */
  private void bodyFault(Refusal reason, String detail) {
    switch (phase) {
      case WAITING -> {
        release(reason.code());
        refuse(reason, detail, true);
        abortUpstream();
      }
      case COMMITTING -> {
        firstFault(Fault.CLIENT_FAULT);
        abortUpstream();
        req.resume(); // what the client still sends is read and dropped, so that the close after the head is clean
      }
      case STREAMING -> {
        done();
        firstFault(Fault.CLIENT_FAULT);
        owed.ifPresent(this::bill);
        abortUpstream();
        req.response().reset();
      }
      case DONE -> { }
    }
  }

  private void firstFault(Fault f) {
    if (fault == Fault.NONE) {
      fault = f;
    }
  }

  private void abortUpstream() {
    if (upstream != null) {
      upstream.reset();
    }
  }

  /**
   * The engine failed: before a connection was had (connect refused or timed out, pool wait) it is 502; once the
   * request was sent, a timeout is 504 and anything else 502.
   */
  private void engineFailed(Throwable cause, boolean connected) {
    trace.engineAnswered();
    if (phase != Phase.WAITING) {
      return; // the client faulted or left first, and that was settled then
    }
    boolean timeout = connected && (cause instanceof java.util.concurrent.TimeoutException
        || cause.getClass().getSimpleName().contains("Timeout"));
    Refusal r = timeout ? Refusal.ENGINE_TIMEOUT : Refusal.ENGINE_UNAVAILABLE;
    release(r.code());
    refuse(r, timeout ? "the engine did not answer in time" : "the engine cannot be reached", false);
  }

  /** The engine's answer head did not come within {@code engine_timeout}: 504, and the engine request is reset. */
  private void engineTimedOut() {
    engineFailed(new java.util.concurrent.TimeoutException("no answer within engine_timeout"), true);
    upstream.reset();
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
    done();
    HttpServerResponse out = req.response();
    if (out.headWritten() || out.closed()) {
      return;
    }
    if (close || !req.isEnded()) {
      LingeringClose.arm(f.vertx(), req);
    }
    GateProblems.send(out, reason, detail, trace);
  }
}
