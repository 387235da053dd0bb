package io.tollgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.Units;
import io.tollgate.metering.DailyUsage;
import io.tollgate.metering.SlaAttainment;
import io.tollgate.metering.UsageReport;
import io.tollgate.metering.UsageStore;
import java.math.BigDecimal;
import java.util.List;
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
    o.set("sla", sla(r.sla()));
    return o;
  }

  /** {@code sla {target, attained, failed_requests, eligible_requests, error_budget_remaining, met}}. */
  static ObjectNode sla(SlaAttainment s) {
    return AdminJson.object().put("target", s.target()).put("attained", s.attained())
        .put("failed_requests", s.failedRequests()).put("eligible_requests", s.eligibleRequests())
        .put("error_budget_remaining", s.errorBudgetRemaining()).put("met", s.met());
  }

  static ObjectNode day(DailyUsage d, BigDecimal slaTarget) {
    ObjectNode o = AdminJson.object();
    o.put("date", d.day().toString());
    o.put("units", d.units().toDecimal());
    o.put("requests", d.requests());
    o.set("breakdown", units(d.byOperation()));
    o.set("sla", sla(d.sla(slaTarget)));
    return o;
  }

  /** The JSON billing export: the rows, and every customer's SLA attainment over the period. */
  static ObjectNode export(BillingPeriod period, List<UsageStore.ExportRow> rows, List<UsageReport> reports) {
    ObjectNode o = AdminJson.object().put("period", period.label()).put("period_start", period.start().toString())
        .put("period_end", period.end().toString());
    var array = o.putArray("rows");
    rows.forEach(r -> array.addObject().put("customer_id", r.customerId()).put("operation", r.operation())
        .put("units", r.units().toDecimal()).put("requests", r.requests()));
    var attainment = o.putArray("sla");
    reports.forEach(r -> attainment.addObject().put("customer_id", r.customerId()).setAll(sla(r.sla())));
    return o;
  }

  /** RFC 4180 CSV with a header line. */
  static String csv(BillingPeriod period, List<UsageStore.ExportRow> rows) {
    StringBuilder out = new StringBuilder("customer_id,period,period_start,period_end,operation,units,requests\r\n");
    for (UsageStore.ExportRow r : rows) {
      out.append(field(r.customerId())).append(',').append(period.label()).append(',').append(period.start())
          .append(',').append(period.end()).append(',').append(field(r.operation())).append(',')
          .append(r.units().toDecimal().toPlainString()).append(',').append(r.requests()).append("\r\n");
    }
    return out.toString();
  }

  private static String field(String value) {
    boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }

  private static ObjectNode units(Map<String, Units> byName) {
    ObjectNode o = AdminJson.object();
    new TreeMap<>(byName).forEach((k, v) -> o.put(k, v.toDecimal()));
    return o;
  }
}
