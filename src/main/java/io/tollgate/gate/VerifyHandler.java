package io.tollgate.gate;

import io.tollgate.config.RouteSpec;
import io.tollgate.edge.StrictHttp;
import io.tollgate.limits.Units;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /v1/verify}: for backends that check keys themselves. The caller authenticates with a service key;
 * the body names the customer's key and, optionally, namespace, operation, units and {@code dry_run}. Always 200
 * for an authenticated caller, with {@code valid} and the same {@code code} the proxy would answer with. A valid,
 * non-dry-run verification is billed like a proxied request. {@code units} above {@code gate.max_units_per_request},
 * negative, or with more than three decimals are a 400.
 */
final class VerifyHandler {
  static final String DEFAULT_OPERATION = "verify";
  /** The code of a valid verification whose usage could not be recorded durably (strict metering). */
  static final String STORE_UNAVAILABLE = "store_unavailable";
  private static final int MAX_BODY = 16 * 1024;

  private final Vertx vertx;
  private final List<byte[]> serviceKeys;
  private final Supplier<RouteTable> routes;
  private final Decider decider;
  private final GateMeter meter;
  private final InstantSource clock;
  private final Failsafe failsafe;
  private final Units maxUnits;

  VerifyHandler(Vertx vertx, List<String> serviceKeys, Supplier<RouteTable> routes, Decider decider, GateMeter meter,
      InstantSource clock, Failsafe failsafe, Units maxUnits) {
    this.vertx = vertx;
    this.serviceKeys = serviceKeys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    this.routes = routes;
    this.decider = decider;
    this.meter = meter;
    this.clock = clock;
    this.failsafe = failsafe;
    this.maxUnits = maxUnits;
  }

  void handle(HttpServerRequest req, RequestTrace trace) {
    if (!isServiceKey(Credential.from(req.headers()))) {
      GateProblems.send(req.response().putHeader("WWW-Authenticate", "Bearer realm=\"tollgate-service\""),
          Refusal.UNAUTHENTICATED, "a valid service key is required", trace);
      return;
    }
    Context context = vertx.getOrCreateContext();
    Buffer body = Buffer.buffer();
    req.handler(failsafe.guard(req, trace, b -> {
      if (body.length() + b.length() > MAX_BODY) {
        req.pause();
        LingeringClose.arm(vertx, req);
        GateProblems.send(req.response(), Refusal.PAYLOAD_TOO_LARGE, "the body is larger than 16 KiB", trace);
        return;
      }
      body.appendBuffer(b);
    }));
    req.endHandler(failsafe.guard(req, trace, v -> {
      if (StrictHttp.framingError(req.connection()).isPresent()) {
        LingeringClose.arm(vertx, req);
        GateProblems.send(req.response(), Refusal.BAD_REQUEST, "the request body is malformed", trace);
      } else if (!req.response().ended()) {
        verify(req, body, trace, context);
      }
    }));
  }

  private void verify(HttpServerRequest req, Buffer body, RequestTrace trace, Context context) {
    switch (VerifyBody.parse(body.getBytes(), this::unitsOf, maxUnits)) {
      case VerifyBody.Parsed.Invalid(String detail) -> GateProblems.send(req.response(), Refusal.BAD_REQUEST, detail,
          trace);
      case VerifyBody.Parsed.Request(GateRequest request) -> decide(req, request, trace, context);
    }
  }

  private void decide(HttpServerRequest req, GateRequest request, RequestTrace trace, Context context) {
    decider.decide(request, clock.instant(), trace)
        .onComplete(failsafe.result(req, trace, d -> answer(req, request.dryRun(), d, trace, context)));
  }

  private void answer(HttpServerRequest req, boolean dryRun, Decision d, RequestTrace trace, Context context) {
    JsonObject out = VerifyDocument.of(d);
    switch (d) {
      case Decision.Refused r when dryRun -> {
        meter.lookedAt(r, clock.instant()); // a dry run only looks: no refusal is counted against the customer
        send(req, out, trace);
      }
      case Decision.Refused r -> {
        meter.refused(r, clock.instant());
        send(req, out, trace);
      }
      case Decision.Allowed a when a.request().dryRun() -> send(req, out, trace);
      case Decision.Allowed a -> {
        boolean charged = a.reservation().isOpen();
        meter.billed(a, a.request().units()).whenComplete((v, e) ->
            context.runOnContext(failsafe.guard(req, trace, x -> {
              if (e == null) {
                trace.billed(a.request().units());
                send(req, out, trace);
              } else {
                meter.notRecorded(a, a.request().units(), charged); // not billed: the quota gets the units back
                trace.refused(STORE_UNAVAILABLE);
                send(req, out.put("valid", false).put("code", STORE_UNAVAILABLE), trace);
              }
            })));
      }
    }
  }

  /** The units of the first route with this operation, or one unit. */
  private Units unitsOf(String operation) {
    return routes.get().specs().stream().filter(r -> r.operation().equals(operation)).map(RouteSpec::units)
        .findFirst().orElse(Units.of(1));
  }

  private boolean isServiceKey(Credential c) {
    if (!(c instanceof Credential.Presented(String key))) {
      return false;
    }
    byte[] presented = key.getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] k : serviceKeys) {
      match |= MessageDigest.isEqual(k, presented);
    }
    return match;
  }

  private static void send(HttpServerRequest req, JsonObject out, RequestTrace trace) {
    req.response().setStatusCode(200).putHeader("Content-Type", "application/json")
        .putHeader("X-Request-Id", trace.requestId()).end(out.encode());
  }
}
