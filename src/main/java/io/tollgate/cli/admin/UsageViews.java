package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Human views of usage documents. */
final class UsageViews {
  private UsageViews() {}

  /** One customer's usage: totals, then units by operation and by key. */
  static void customer(JsonNode u, PrintWriter out) {
    Table.fields()
        .row("customer_id", text(u.path("customer_id")))
        .row("period", period(u))
        .row("units_used", text(u.path("units_used")))
        .row("quota", text(u.path("quota")) + " units / " + text(u.path("quota_period")))
        .row("utilization", Cells.percent(u.path("utilization")))
        .row("requests", text(u.path("requests")))
        .row("rejected", Cells.pairs(u.path("rejected")))
        .row("sla", sla(u.path("sla")))
        .print(out);
    breakdown("OPERATION", u.path("breakdown"), out);
    breakdown("KEY_ID", u.path("by_key"), out);
  }

  /** Every customer's usage for one period, one line each. */
  static void all(JsonNode document, PrintWriter out) {
    out.println("period " + period(document));
    Table t = Table.of("CUSTOMER_ID", "UNITS_USED", "QUOTA", "UTILIZATION", "REQUESTS", "REJECTED", "SLA");
    for (JsonNode u : document.path("customers")) {
      t.row(text(u.path("customer_id")), text(u.path("units_used")),
          text(u.path("quota")) + " / " + text(u.path("quota_period")), Cells.percent(u.path("utilization")),
          text(u.path("requests")), Cells.pairs(u.path("rejected")),
          text(u.path("sla").path("attained")) + "% / " + text(u.path("sla").path("target")) + "%");
    }
    t.print(out);
  }

  /** The customers of a usage list below their SLA target, lowest attainment first. */
  static void belowSla(JsonNode document, PrintWriter out) {
    out.println("period " + period(document));
    List<JsonNode> below = new ArrayList<>();
    document.path("customers").forEach(u -> {
      if (!u.path("sla").path("met").asBoolean(true)) {
        below.add(u);
      }
    });
    below.sort(Comparator.comparing((JsonNode u) -> u.path("sla").path("attained").decimalValue())
        .thenComparing(u -> u.path("customer_id").asText()));
    Table t = Table.of("CUSTOMER_ID", "TARGET", "ATTAINED", "FAILED", "ELIGIBLE", "BUDGET_LEFT");
    for (JsonNode u : below) {
      JsonNode s = u.path("sla");
      t.row(text(u.path("customer_id")), text(s.path("target")) + "%", text(s.path("attained")) + "%",
          text(s.path("failed_requests")), text(s.path("eligible_requests")), text(s.path("error_budget_remaining")));
    }
    t.printOr("every customer met its SLA target", out);
  }

  private static String sla(JsonNode s) {
    return text(s.path("attained")) + "% of " + text(s.path("target")) + "% target ("
        + text(s.path("failed_requests")) + " failed of " + text(s.path("eligible_requests")) + " eligible, "
        + (s.path("met").asBoolean() ? "met" : "NOT met") + ")";
  }

  /** Day-by-day usage of one customer. */
  static void daily(JsonNode document, PrintWriter out) {
    out.println(text(document.path("customer_id")) + " from " + text(document.path("from")) + " to "
        + text(document.path("to")));
    Table t = Table.of("DATE", "UNITS", "REQUESTS", "BREAKDOWN", "SLA_ATTAINED", "SLA_FAILED");
    for (JsonNode d : document.path("days")) {
      t.row(text(d.path("date")), text(d.path("units")), text(d.path("requests")), Cells.pairs(d.path("breakdown")),
          text(d.path("sla").path("attained")) + "%", text(d.path("sla").path("failed_requests")));
    }
    t.printOr("no usage in these days", out);
  }

  private static String period(JsonNode u) {
    return text(u.path("period")) + " (" + text(u.path("period_start")) + " to " + text(u.path("period_end")) + ")";
  }

  private static void breakdown(String column, JsonNode units, PrintWriter out) {
    if (units.isEmpty()) {
      return;
    }
    out.println();
    Table t = Table.of(column, "UNITS");
    for (Map.Entry<String, JsonNode> e : units.properties()) {
      t.row(e.getKey(), text(e.getValue()));
    }
    t.print(out);
  }
}
