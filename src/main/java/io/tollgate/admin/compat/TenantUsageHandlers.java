package io.tollgate.admin.compat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.admin.AdminJson;
import io.tollgate.admin.UsageHandlers;
import io.vertx.ext.web.RoutingContext;

/**
 * Seed 003's {@code GET /gate/usage} and {@code GET /gate/usage/{tenant_id}}: {@code /admin/usage} and
 * {@code /admin/customers/{id}/usage} ({@link UsageHandlers}: the same reports, periods and refusals), in the seed's
 * names.
 */
final class TenantUsageHandlers {
  private final UsageHandlers usage;

  TenantUsageHandlers(UsageHandlers usage) {
    this.usage = usage;
  }

  /** Every tenant for {@code ?period=} (default: the current period of the default tier's quota). */
  void all(RoutingContext ctx) {
    usage.every(ctx, (period, reports) -> {
      ObjectNode body = AdminJson.object().put("period", period.label());
      ArrayNode tenants = body.putArray("tenants");
      reports.forEach(r -> tenants.add(TenantDocuments.usageLine(r)));
      return body;
    });
  }

  /** One tenant for {@code ?period=} (default: the current period of its own quota). */
  void tenant(RoutingContext ctx) {
    usage.one(ctx, ctx.pathParam("tenantId"), TenantDocuments::usage);
  }
}
