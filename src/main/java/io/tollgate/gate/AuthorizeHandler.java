package io.tollgate.gate;

import io.tollgate.edge.RequestTarget;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /v1/authorize}, for nginx {@code auth_request} and Envoy {@code ext_authz}: the client's key comes in
 * its own headers, the original request in {@code X-Original-Method} and {@code X-Original-URI} (nginx), or as the
 * method and the path after {@code /v1/authorize} (Envoy's {@code path_prefix}). Answers 204 with
 * {@code X-Tollgate-*} headers, or the refusal's status and problem body. An allowed request is billed here, at
 * the route's units, since the engine's answer never passes through the gate in this mode.
 */
final class AuthorizeHandler {
  /**
   * Envoy's HTTP {@code ext_authz} with {@code path_prefix: /v1/authorize} sends the original method and path
   * behind this prefix: {@code POST /v1/authorize/v1/default/query} checks {@code POST /v1/default/query}.
   */
  static final String ENVOY_PREFIX = "/v1/authorize/";

  private final Vertx vertx;
  private final Supplier<RouteTable> routes;
  private final Decider decider;
  private final GateMeter meter;
  private final InstantSource clock;
  private final Failsafe failsafe;

  AuthorizeHandler(Vertx vertx, Supplier<RouteTable> routes, Decider decider, GateMeter meter, InstantSource clock,
      Failsafe failsafe) {
    this.vertx = vertx;
    this.routes = routes;
    this.decider = decider;
    this.meter = meter;
    this.clock = clock;
    this.failsafe = failsafe;
  }

  void handle(HttpServerRequest req, RequestTrace trace) {
    boolean envoy = req.path().startsWith(ENVOY_PREFIX);
    // Envoy sends the original method as the check request's own, with the client's headers: an X-Original-Method
    // there is the client's, never Envoy's, and must not choose the route (and so the operation and units billed)
    String method = envoy ? req.method().name()
        : Optional.ofNullable(req.getHeader("X-Original-Method")).orElse("GET");
    List<String> originalUris = req.headers().getAll("X-Original-URI");
    List<String> originalMethods = req.headers().getAll("X-Original-Method");
    String original = originalUris.isEmpty() ? "/" : originalUris.get(0);
    Optional<String> problem = originalUris.size() > 1 || originalMethods.size() > 1
        ? Optional.of("X-Original-URI and X-Original-Method may each be sent once")
        : envoy ? Optional.empty() : RequestTarget.problem(original);
    if (problem.isPresent()) {
      GateProblems.send(req.response(), Refusal.BAD_REQUEST, problem.get(), trace);
      return;
    }
    String path = envoy ? req.path().substring(ENVOY_PREFIX.length() - 1) : path(original);
    Optional<RouteTable.Match> match = routes.get().match(method, path);
    if (match.isEmpty()) {
      GateProblems.send(req.response(), Decision.Refused.of(Refusal.ROUTE_NOT_FOUND), trace);
      return;
    }
    RouteTable.Match m = match.get();
    Optional<GateRequest> routed = GateRequest.routed(m, req.headers());
    if (routed.isEmpty()) {
      GateProblems.send(req.response(), Refusal.BAD_REQUEST, "the namespace header is ambiguous", trace);
      return;
    }
    decider.decide(routed.get(), clock.instant(), trace).onComplete(failsafe.result(req, trace, d -> {
      switch (d) {
        case Decision.Refused r -> {
          meter.refused(r, clock.instant());
          GateProblems.send(req.response(), r, trace);
        }
        case Decision.Allowed a -> {
          Context context = vertx.getOrCreateContext();
          boolean charged = a.reservation().isOpen();
          meter.billed(a, a.request().units()).whenComplete((v, e) -> context.runOnContext(
              failsafe.guard(req, trace, x -> {
                if (e != null) {
                  meter.notRecorded(a, a.request().units(), charged); // not billed: the quota gets the units back
                }
                allow(req, a, trace, e == null);
              })));
        }
      }
    }));
  }

  private static void allow(HttpServerRequest req, Decision.Allowed a, RequestTrace trace, boolean durable) {
    if (!durable) {
      req.response().putHeader("Retry-After", Long.toString(ProxyHandler.STORE_RETRY.toSeconds()));
      GateProblems.send(req.response(), Refusal.STORE_UNAVAILABLE, "usage could not be recorded durably", trace);
      return;
    }
    trace.billed(a.request().units());
    HttpServerResponse out = req.response().setStatusCode(204).putHeader("X-Request-Id", trace.requestId())
        .putHeader("X-Tollgate-Customer", a.entry().owner().customer().id())
        .putHeader("X-Tollgate-Key-Id", a.entry().key().id())
        .putHeader("X-Tollgate-Tier", a.entry().owner().customer().tier())
        .putHeader("X-Tollgate-Namespace", a.request().namespace())
        .putHeader("X-Tollgate-Operation", a.request().operation());
    RateLimitHeaders.add(out.headers(), a.entry().owner().limits(), a.rate(), a.quota());
    out.end();
  }

  /**
   * The path of an origin-form or absolute URI, without its query. An origin-form target is its path as it is up to
   * the query: {@code //v1/x} is the path {@code //v1/x} that nginx also forwards, never a network-path reference to
   * a host {@code v1} (which {@link URI} would read).
   */
  private static String path(String uri) {
    if (uri.startsWith("/")) {
      int q = uri.indexOf('?');
      return q < 0 ? uri : uri.substring(0, q);
    }
    try {
      String p = URI.create(uri).getRawPath();
      return p == null || p.isEmpty() ? "/" : p;
    } catch (IllegalArgumentException e) {
      int q = uri.indexOf('?');
      return q < 0 ? uri : uri.substring(0, q);
    }
  }
}
