package io.tollgate.admin;

import io.tollgate.admin.compat.CompatRoutes;
import io.tollgate.config.Catalog;
import io.tollgate.config.HostPort;
import io.tollgate.config.TollgateConfig;
import io.tollgate.edge.StrictHttp;
import io.tollgate.metering.RecentRefusals;
import io.tollgate.metering.UsageReports;
import io.tollgate.metering.UsageSpill;
import io.tollgate.registry.Actor;
import io.tollgate.registry.AdminKeyring;
import io.tollgate.registry.CustomerService;
import io.tollgate.registry.KeyService;
import io.tollgate.registry.LiveRegistry;
import io.tollgate.registry.RegistryStore;
import io.tollgate.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.InstantSource;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Admin API listener: every route of the contract's Admin API table, behind admin-key authentication. */
public final class AdminServer {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  /**
   * What the Admin API needs.
   *
   * @param store the registry store
   * @param live the in-memory registry (catalog and view)
   * @param customers customer changes
   * @param keys key changes
   * @param usage usage documents
   * @param recentRefusals the refusals this process counted in the last hour
   * @param keyring accepted admin keys
   * @param catalogReader re-reads tiers and routes from disk for a reload
   * @param maxBodyBytes largest request body accepted (413 beyond)
   * @param metrics the process's meters, served at {@code GET /metrics}
   * @param clock time
   * @param draining whether the process is stopping and draining the gate: {@code GET /health} then answers 503
   * @param spill what waits in the usage spill file, for {@code GET /health}
   * @param webhooks webhook endpoints and deliveries
   * @param destinations which endpoint URLs are allowed
   */
  public record Dependencies(RegistryStore store, LiveRegistry live, CustomerService customers, KeyService keys,
      UsageReports usage, RecentRefusals recentRefusals, AdminKeyring keyring, Supplier<Catalog> catalogReader,
      int maxBodyBytes, Metrics metrics, InstantSource clock, BooleanSupplier draining,
      Supplier<UsageSpill.Status> spill, io.tollgate.webhooks.WebhookStore webhooks,
      io.tollgate.webhooks.Destinations destinations) {}

  private AdminServer() {}

  /** Starts the listener; the future completes with the bound server (its actual port when 0 was asked). */
  public static Future<HttpServer> start(Vertx vertx, TollgateConfig.Admin config, Dependencies d) {
    HostPort listen = config.listen();
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("tollgate-admin-store", 8);
    Blocking blocking = new Blocking(workers, d.store()::isHealthy, d.store()::isUnreachable);
    HttpServerOptions options = new HttpServerOptions().setMaxInitialLineLength(8192).setMaxHeaderSize(32768)
        .setHttp2ClearTextEnabled(false);
    AdminConnections connections = new AdminConnections(vertx, config, options, d.metrics().registry());
    AdminAuth auth = new AdminAuth(d.keyring(),
        new LoginThrottle(config.maxFailedLogins(), config.failedLoginInterval(), d.metrics().registry()),
        Actor.Via.ADMIN_API);
    AllowedHosts hosts = new AllowedHosts(listen, config.allowedHosts());
    Router router = router(vertx, d, blocking, hosts::check, auth::handle, auth.via(Actor.Via.COMPAT)::handle);
    router.route().order(-1).handler(connections::track); // before every other route
    return vertx.createHttpServer(options)
        .connectionHandler(connections::onConnection)
        .requestHandler(router)
        .listen(listen.port(), listen.host())
        .onSuccess(s -> LOG.info("admin API listening on {}:{}", listen.host(), s.actualPort()));
  }

  /**
   * The routes; {@code hosts} checks every request's {@code Host} first, {@code auth} the admin key of /admin/*,
   * {@code compatAuth} that of seed 003's /gate/* ({@link CompatRoutes}).
   */
  static Router router(Vertx vertx, Dependencies d, Blocking blocking, Handler<RoutingContext> hosts,
      Handler<RoutingContext> auth, Handler<RoutingContext> compatAuth) {
    CustomerHandlers customers = new CustomerHandlers(d.customers(), blocking, d.clock());
    KeyHandlers keys = new KeyHandlers(d.keys(), blocking, d.clock());
    UsageHandlers usage = new UsageHandlers(d.customers(), d.usage(), blocking, () -> {
      var catalog = d.live().catalog();
      return catalog.tiers().find(catalog.defaultTier()).orElseThrow().limits().quota().period();
    });
    CatalogHandlers catalog = new CatalogHandlers(d.live(), d.catalogReader(), d.store(), blocking,
        d.metrics().registry(), d.draining(), d.spill(), d.clock());

    WebhookHandlers webhooks = new WebhookHandlers(d.webhooks(), d.destinations(), blocking, d.clock());

    Router r = Router.router(vertx);
    r.route().handler(RequestIds::assign);
    r.route().handler(AdminServer::neverCached);
    r.route().handler(AdminServer::refuseBadFraming);
    r.route().handler(hosts); // after the framing: a refused head stands in with an invalid Host
    r.get("/health").handler(catalog::health);
    r.get("/metrics").handler(ctx -> blocking.run(ctx, d.metrics()::scrape, (c, text) -> c.response()
        .putHeader("Content-Type", Metrics.CONTENT_TYPE).end(text)));
    ConsoleRoutes.mount(r); // no admin key: the page asks for it
    Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(d.maxBodyBytes());
    Handler<RoutingContext> framing = AdminServer::refuseBadFraming; // an invalid chunk shows once the body is read
    r.route("/admin/*").handler(auth);
    r.route("/admin/*").handler(body);
    r.route("/admin/*").handler(framing);
    CompatRoutes.mount(r, new CompatRoutes.Services(d.customers(), d.keys(), usage, blocking, d.clock(),
        catalog::reload, catalog::health), List.of(compatAuth, body, framing));

    r.post("/admin/customers").handler(customers::create);
    r.get("/admin/customers").handler(customers::list);
    r.get("/admin/customers/:id").handler(customers::get);
    r.patch("/admin/customers/:id").handler(customers::patch);
    r.delete("/admin/customers/:id").handler(customers::deactivate);
    r.post("/admin/customers/:id/keys").handler(keys::create);
    r.get("/admin/customers/:id/keys").handler(keys::list);
    r.get("/admin/customers/:id/keys/:keyId").handler(keys::get);
    r.delete("/admin/customers/:id/keys/:keyId").handler(keys::revoke);
    r.post("/admin/customers/:id/keys/:keyId/rotate").handler(keys::rotate);
    r.post("/admin/customers/:id/namespaces").handler(customers::grantNamespace);
    r.delete("/admin/customers/:id/namespaces/:ns").handler(customers::withdrawNamespace);
    r.get("/admin/customers/:id/usage").handler(usage::customer);
    r.get("/admin/customers/:id/usage/daily").handler(usage::daily);
    r.get("/admin/usage").handler(usage::all);
    r.get("/admin/usage/export").handler(usage::export);
    r.get("/admin/refusals/recent").handler(new RecentRefusalsHandler(d.recentRefusals())::lastHour);
    r.get("/admin/tiers").handler(catalog::tiers);
    r.post("/admin/registry/reload").handler(catalog::reload);
    r.get("/admin/audit").handler(catalog::audit);
    r.post("/admin/webhooks").handler(webhooks::create);
    r.get("/admin/webhooks").handler(webhooks::list);
    r.get("/admin/webhooks/:id").handler(webhooks::get);
    r.patch("/admin/webhooks/:id").handler(webhooks::patch);
    r.delete("/admin/webhooks/:id").handler(webhooks::delete);
    r.get("/admin/webhooks/:id/deliveries").handler(webhooks::deliveries);
    r.post("/admin/webhooks/:id/deliveries/:deliveryId/retry").handler(webhooks::retry);
    r.post("/admin/webhooks/:id/test").handler(webhooks::test);
    r.get("/admin/openapi.yaml").handler(OpenApiDocument::serve);

    r.route().failureHandler(AdminServer::failure);
    r.errorHandler(404, ctx -> Problem.notFound("no such route: " + ctx.request().method() + " "
        + ctx.request().path()).send(ctx));
    r.errorHandler(405, ctx -> Problem.of(405, "method_not_allowed", "Method not allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()).send(ctx));
    return r;
  }

  /**
   * Every answer of the listener, errors included, may carry a secret (a new key, the admin key's id, customer
   * data): {@code Cache-Control: no-store} keeps it out of browser and proxy caches, and {@code nosniff} keeps a
   * browser from reading JSON as anything else. The console overrides the first for its hashed assets only.
   */
  private static void neverCached(RoutingContext ctx) {
    neverCached(ctx.response());
    ctx.next();
  }

  private static void neverCached(HttpServerResponse response) {
    response.putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
  }

  /** A request the strict decoder flagged: its problem, and the connection closed behind it. */
  private static void refuseBadFraming(RoutingContext ctx) {
    var framing = StrictHttp.framingError(ctx.request().connection());
    String te = ctx.request().getHeader("Transfer-Encoding");
    if (framing.isEmpty() && (te == null || te.trim().equalsIgnoreCase("chunked"))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Connection", "close").endHandler(v -> ctx.request().connection().close());
    framing.ifPresentOrElse(f -> Problem.of(f.status(), f.code(), f.title(), f.title()).send(ctx),
        () -> Problem.of(501, "not_implemented", "Not implemented", "only the chunked transfer coding is supported")
            .send(ctx));
  }

  private static void failure(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    neverCached(ctx.response()); // a request refused before any route ran (an invalid Host) comes here directly
    int status = ctx.statusCode();
    if (status == 413) {
      Problem.of(413, "payload_too_large", "Payload too large", "the request body is larger than allowed").send(ctx);
    } else if (status == 400) {
      Problem.of(400, "bad_request", "Bad request", "the request could not be read").send(ctx);
    } else {
      if (ctx.failure() != null) {
        LOG.error("admin request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      }
      Problem.internal().send(ctx);
    }
  }
}
