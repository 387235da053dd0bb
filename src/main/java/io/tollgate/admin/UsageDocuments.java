package io.tollgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.limits.Units;
import io.tollgate.metering.DailyUsage;
import io.tollgate.metering.UsageReport;
import java.util.Map;
import java.util.TreeMap;

/** JSON documents of usage: the contract's usage document and the daily series. */
final class UsageDocuments {
  /** Refusal codes always present in {@code rejected}, zero when none happened. */
  private static final String[] KNOWN_REFUSALS = {"rate_limited", "quota_exceeded", "namespace_denied"};

  private UsageDocuments() {}

  static ObjectNode report(UsageReport r) {
    ObjectNode o = AdminJson.object();
    o.put("customer_id", r.customerId());
    o.put("period", r.period().label());
    o.put("period_start", r.period().start().toString());
    o.put("period_end", r.period().end().toString());
    o.put("units_used", r.totals().units().toDecimal());
    o.put("quota", r.quota().units().toDecimal());
    o.put("quota_period", r.quota().period().wireName());
    o.put("utilization", r.utilization().orElse(null));
    o.put("requests", r.totals().requests());
    o.set("breakdown", units(r.totals().byOperation()));
    o.set("by_key", units(r.totals().byKey()));
    ObjectNode rejected = o.putObject("rejected");
    for (String code : KNOWN_REFUSALS) {
      rejected.put(code, 0L);
    }
    new TreeMap<>(r.totals().refusals()).forEach(rejected::put);
    return o;
  }

  static ObjectNode day(DailyUsage d) {
    ObjectNode o = AdminJson.object();
    o.put("date", d.day().toString());
    o.put("units", d.units().toDecimal());
    o.put("requests", d.requests());
    o.set("breakdown", units(d.byOperation()));
    return o;
  }

  private static ObjectNode units(Map<String, Units> byName) {
    ObjectNode o = AdminJson.object();
    new TreeMap<>(byName).forEach((k, v) -> o.put(k, v.toDecimal()));
    return o;
  }
}
