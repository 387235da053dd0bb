package io.tollgate.admin.compat;

import io.tollgate.admin.Blocking;
import io.tollgate.admin.UsageHandlers;
import io.tollgate.registry.CustomerService;
import io.tollgate.registry.KeyService;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.List;

/**
 * Seed 003's admin routes on the admin listener, beside {@code /admin/*}: a translation of its field names
 * ({@code tenant_id}, {@code plan}, {@code cus_used}, {@code monthly_quota}) onto the services the Admin API calls,
 * so every decision, refusal and audit entry is the Admin API's own; the audit entries say {@code "via": "compat"}.
 * See docs/compat-seed-003.md.
 */
public final class CompatRoutes {
  /**
   * What the routes call.
   *
   * @param customers customer changes and reads
   * @param keys key changes
   * @param usage the Admin API's usage handlers, which answer in a given shape
   * @param blocking runs store work off the event loop
   * @param clock time (which keys are active)
   * @param reload the handler of {@code POST /admin/registry/reload}
   * @param health the handler of {@code GET /health}
   */
  public record Services(CustomerService customers, KeyService keys, UsageHandlers usage, Blocking blocking,
      InstantSource clock, Handler<RoutingContext> reload,
      Handler<RoutingContext> health) {}

  private CompatRoutes() {}

  /**
   * Mounts {@code GET /gate/health} without authentication, then {@code guards} in order (the admin-key check, the
   * body reader with its limit, the framing check) before every other {@code /gate/*} route.
   */
  public static void mount(Router r, Services s, List<Handler<RoutingContext>> guards) {
    TenantHandlers tenants = new TenantHandlers(s.customers(), s.keys(), s.blocking(), s.clock());
    TenantUsageHandlers usage = new TenantUsageHandlers(s.usage());
    r.get("/gate/health").handler(s.health());
    guards.forEach(g -> r.route("/gate/*").handler(g));
    r.post("/gate/onboard/create").handler(tenants::create);
    r.post("/gate/onboard/rotate").handler(tenants::rotate);
    r.post("/gate/onboard/namespaces").handler(tenants::grantNamespace);
    r.post("/gate/onboard/tier").handler(tenants::changePlan);
    r.post("/gate/onboard/deactivate").handler(tenants::deactivate);
    r.get("/gate/tenants").handler(tenants::list);
    r.get("/gate/usage").handler(usage::all);
    r.get("/gate/usage/:tenantId").handler(usage::tenant);
    r.post("/gate/registry/reload").handler(s.reload());
  }
}
