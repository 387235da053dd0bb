package io.tollgate.gate;

import io.tollgate.config.Catalog;
import io.tollgate.config.TollgateConfig;
import io.tollgate.edge.IdleConnections;
import io.tollgate.edge.RequestIds;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyHasher;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimiter;
import io.tollgate.metering.UsageRecorder;
import io.tollgate.registry.KeyActivity;
import io.tollgate.registry.LiveRegistry;
import io.tollgate.registry.NodeHealth;
import io.tollgate.registry.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate listener: {@code GET /health}, {@code POST /v1/verify}, {@code GET /v1/authorize}, and every other
 * request through the proxy. Everything on the request path runs on the event loop from memory.
 */
public final class GateServer {
  private static final Logger LOG = LoggerFactory.getLogger(GateServer.class);

  /**
   * What the gate needs.
   *
   * @param config the gate's settings
   * @param live the in-memory registry and catalog
   * @param store for the health check only
   * @param format the key format
   * @param hasher the key hasher
   * @param rate per-customer token buckets
   * @param quota per-customer quota counters
   * @param shared limits shared by every node (Redis) instead of {@code rate} and {@code quota}, when configured
   * @param recorder usage and refusals
   * @param activity when keys were last used
   * @param strict whether answers wait until their usage is durable
   * @param observer told of every request once it is over (metrics, access log)
   * @param clock time
   */
  public record Dependencies(TollgateConfig.Gate config, LiveRegistry live, RegistryStore store, ApiKeyFormat format,
      KeyHasher hasher, RateLimiter rate, QuotaLedger quota, Optional<Limiter> shared, UsageRecorder recorder, KeyActivity activity, boolean strict,
      GateObserver observer, InstantSource clock) {}

  private GateServer() {}

  /** Starts the listener; the future completes once it is bound, on every event loop. */
  public static Future<GateListener> start(Vertx vertx, Dependencies d) {
    TollgateConfig.Edge edge = d.config().edge();
    Supplier<RouteTable> routes = new CompiledRoutes(d.live());
    Limiter limiter = d.shared().orElseGet(() -> new LocalLimiter(d.rate(), d.quota()));
    Decider decider = new Decider(d.live()::view, () -> d.live().freshness().refusesDecisions(), d.format(),
        d.hasher(), limiter);
    GateMeter meter = new GateMeter(limiter, d.recorder(), d.activity());
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    EnginePools pools = EnginePools.of(edge.enginePoolSize(), loops);
    Optional<HttpClient> shared = pools.shared() ? Optional.of(engineClient(vertx, edge, pools.perClient(0)))
        : Optional.empty();
    TrustedProxies trusted = new TrustedProxies(d.config().trustedProxies());
    EngineDeadlines deadlines = new EngineDeadlines(vertx, edge.engineTimeout());
    Failsafe failsafe = new Failsafe(vertx, decider, meter);
    VerifyHandler verify = new VerifyHandler(vertx, d.config().serviceKeys(), routes, decider, meter, d.clock(),
        failsafe, edge.maxUnitsPerRequest());
    AuthorizeHandler authorize = new AuthorizeHandler(vertx, routes, decider, meter, d.clock(), failsafe);
    HttpServerOptions options = new HttpServerOptions()
        .setMaxInitialLineLength(edge.maxRequestLine())
        .setMaxHeaderSize(edge.maxHeaderBytes())
        .setHttp2ClearTextEnabled(false)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setCompressionSupported(false);
    EdgeGuard guard = new EdgeGuard(edge, options);
    IdleConnections idle = new IdleConnections(vertx, edge.idleTimeout().toMillis());
    GateObserver observer = d.observer();
    GateListener listener = new GateListener();
    java.util.function.Function<HttpClient, io.vertx.core.Handler<HttpServerRequest>> handlers = client -> {
      ProxyHandler proxy = new ProxyHandler(routes, decider, meter, new EngineExchange.Factory(vertx, client,
          d.config().engine(), edge, trusted, meter, d.strict(), deadlines), edge, d.clock(), failsafe);
      return req -> {
        RequestTrace trace = new RequestTrace(RequestIds.of(req), d.clock().instant(), System.nanoTime());
        idle.busy(req);
        var conn = req.connection();
        req.response().bodyEndHandler(v -> {
          idle.idle(conn);
          trace.finish(req, true, observer);
        });
        req.response().closeHandler(v -> trace.finish(req, false, observer));
        failsafe.run(req, trace, () -> {
          if (guard.admit(req, trace)) {
            dispatch(vertx, d, req, trace, verify, authorize, proxy, listener.draining(), limiter);
          }
        });
      };
    };
    // one server per event loop (Vert.x spreads connections over them), each with its own engine client unless the
    // pool is too small to split: a request and its engine connection then share one event loop, and no answer is
    // handed from one loop to the other; port 0 becomes -1: one shared free port
    int port = d.config().listen().port() == 0 ? -1 : d.config().listen().port();
    java.util.concurrent.atomic.AtomicInteger deployed = new java.util.concurrent.atomic.AtomicInteger();
    return vertx.deployVerticle(() -> {
          int instance = deployed.getAndIncrement();
          return (io.vertx.core.Deployable) context -> vertx.createHttpServer(options)
              .connectionHandler(guard::onConnection)
              .requestHandler(handlers.apply(
                  shared.orElseGet(() -> engineClient(vertx, edge, pools.perClient(instance)))))
              .listen(port, d.config().listen().host())
              .onSuccess(listener::add);
        },
        new io.vertx.core.DeploymentOptions().setInstances(loops))
        .map(id -> listener)
        .onSuccess(l -> LOG.info("gate listening on {}:{} with {} event loops, engine {}", d.config().listen().host(),
            l.port(), loops, d.config().engineForLogs()));
  }

  /** A client to the engine holding at most {@code connections} keep-alive connections. */
  private static HttpClient engineClient(Vertx vertx, TollgateConfig.Edge edge, int connections) {
    return vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) edge.engineConnectTimeout().toMillis())
            .setMaxInitialLineLength(65536).setMaxHeaderSize(65536).setTcpNoDelay(true))
        .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
        .build();
  }

  private static void dispatch(Vertx vertx, Dependencies d, HttpServerRequest req, RequestTrace trace,
      VerifyHandler verify, AuthorizeHandler authorize, ProxyHandler proxy, boolean draining, Limiter limiter) {
    String path = req.path();
    if ("/health".equals(path) && req.method() == HttpMethod.GET) {
      trace.mode("health");
      health(vertx, d, req, trace.requestId(), draining, limiter);
    } else if ("/v1/verify".equals(path) && req.method() == HttpMethod.POST) {
      trace.mode("verify");
      verify.handle(req, trace);
    } else if ("/v1/authorize".equals(path) || path.startsWith(AuthorizeHandler.ENVOY_PREFIX)) {
      trace.mode("authorize");
      authorize.handle(req, trace);
    } else {
      proxy.handle(req, trace);
    }
  }

  /**
   * The node's health; {@code 503 draining} once the process is stopping, {@code 503 unavailable} with
   * {@code "limits":"down"} while shared limits cannot be reached (the gate refuses with {@code limits_unavailable});
   * {@code degraded} with {@code "limits":"local"} while the node enforces its share of the limits on its own.
   */
  private static void health(Vertx vertx, Dependencies d, HttpServerRequest req, String requestId,
      boolean draining, Limiter limiter) {
    Future<Boolean> store = vertx.executeBlocking(d.store()::isHealthy, false);
    Future<Limiter.State> limits = limiter.state();
    Future.join(store, limits).onComplete(ar -> {
      NodeHealth h = NodeHealth.of(store.succeeded() && store.result(), d.live().freshness(), draining);
      Limiter.State state = limits.result();
      boolean limitsUp = state != Limiter.State.DOWN;
      String status = !limitsUp && !draining ? "unavailable"
          : state == Limiter.State.FALLBACK && h.status().equals("ok") ? "degraded" : h.status();
      req.response().setStatusCode(limitsUp ? h.httpStatus() : 503).putHeader("Content-Type", "application/json")
          .putHeader("X-Request-Id", requestId)
          .end(new JsonObject().put("status", status).put("store", h.store()).put("registry", h.registry())
              .put("limits", state.label()).encode());
    });
  }

  /** The route table of the current catalog, compiled once per catalog (a reload swaps the catalog). */
  /**
   * The route table of the registry's current catalog, compiled once per catalog. The table and the catalog it was
   * compiled from are one value: read as two fields, an event loop could see the new catalog marked compiled with
   * the old table still in the other field, and route (and bill) a request by the old routes.
   */
  private static final class CompiledRoutes implements Supplier<RouteTable> {
    private record Compiled(Catalog from, RouteTable table) { }

    private final LiveRegistry live;
    private volatile Compiled compiled;

    CompiledRoutes(LiveRegistry live) {
      this.live = live;
    }

    @Override
    public RouteTable get() {
      Catalog c = live.catalog();
      Compiled now = compiled;
      if (now == null || now.from() != c) {
        now = new Compiled(c, new RouteTable(c.routes()));
        compiled = now;
      }
      return now.table();
    }
  }

  static boolean isHttp1(HttpVersion v) {
    return v == HttpVersion.HTTP_1_0 || v == HttpVersion.HTTP_1_1;
  }
}
