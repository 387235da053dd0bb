package io.tollgate.admin.compat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.admin.AdminJson;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Units;
import io.tollgate.metering.UsageReport;
import io.tollgate.registry.Customer;
import io.tollgate.registry.CustomerDetails;
import java.util.TreeMap;

/**
 * Seed 003's documents of a tenant and its usage, made from the Admin API's records: {@code tenant_id} is the
 * customer id, {@code plan} the tier, {@code cus_used} the units used and {@code monthly_quota} the quota of the
 * tier's period, which {@code quota_period} names ({@code month}, or {@code year} for a yearly tier).
 */
final class TenantDocuments {
  private TenantDocuments() {}

  /** A tenant: {@code tenant_id}, {@code plan}, {@code namespaces}, {@code active} and its plan's limits. */
  static ObjectNode tenant(CustomerDetails d) {
    Customer c = d.customer();
    ObjectNode o = AdminJson.object().put("tenant_id", c.id()).put("plan", c.tier());
    o.set("namespaces", AdminJson.valueOf(c.namespaces()));
    o.put("active", c.isActive());
    return withPlan(o, d.limits());
  }

  /** A tier change's answer: {@code tenant_id}, {@code plan} and the plan's limits. */
  static ObjectNode plan(CustomerDetails d) {
    return withPlan(AdminJson.object().put("tenant_id", d.customer().id()).put("plan", d.customer().tier()),
        d.limits());
  }

  /** Adds {@code monthly_quota}, {@code quota_period} and {@code rate_limit {requests, window_s}} to {@code o}. */
  static ObjectNode withPlan(ObjectNode o, Limits l) {
    o.put("monthly_quota", l.quota().units().toDecimal()).put("quota_period", l.quota().period().wireName());
    o.putObject("rate_limit").put("requests", l.rateLimit().requests()).put("window_s", l.rateLimit().windowSeconds());
    return o;
  }

  /** One tenant's line in {@code GET /gate/usage}: {@code tenant_id}, {@code cus_used}, the quota, utilization. */
  static ObjectNode usageLine(UsageReport r) {
    return AdminJson.object().put("tenant_id", r.customerId())
        .put("cus_used", r.totals().units().toDecimal())
        .put("monthly_quota", r.quota().units().toDecimal())
        .put("quota_period", r.quota().period().wireName())
        .put("utilization", r.utilization().orElse(null));
  }

  /** {@code GET /gate/usage/{tenant_id}}: the usage line with {@code period} and {@code breakdown} by operation. */
  static ObjectNode usage(UsageReport r) {
    ObjectNode o = AdminJson.object().put("tenant_id", r.customerId()).put("period", r.period().label());
    o.setAll(usageLine(r));
    ObjectNode breakdown = o.putObject("breakdown");
    new TreeMap<String, Units>(r.totals().byOperation()).forEach((op, u) -> breakdown.put(op, u.toDecimal()));
    return o;
  }
}
