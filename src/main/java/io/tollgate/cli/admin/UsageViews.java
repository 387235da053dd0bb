package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
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
        .print(out);
    breakdown("OPERATION", u.path("breakdown"), out);
    breakdown("KEY_ID", u.path("by_key"), out);
  }

  /** Every customer's usage for one period, one line each. */
  static void all(JsonNode document, PrintWriter out) {
    out.println("period " + period(document));
    Table t = Table.of("CUSTOMER_ID", "UNITS_USED", "QUOTA", "UTILIZATION", "REQUESTS", "REJECTED");
    for (JsonNode u : document.path("customers")) {
      t.row(text(u.path("customer_id")), text(u.path("units_used")),
          text(u.path("quota")) + " / " + text(u.path("quota_period")), Cells.percent(u.path("utilization")),
          text(u.path("requests")), Cells.pairs(u.path("rejected")));
    }
    t.print(out);
  }

  /** Day-by-day usage of one customer. */
  static void daily(JsonNode document, PrintWriter out) {
    out.println(text(document.path("customer_id")) + " from " + text(document.path("from")) + " to "
        + text(document.path("to")));
    Table t = Table.of("DATE", "UNITS", "REQUESTS", "BREAKDOWN");
    for (JsonNode d : document.path("days")) {
      t.row(text(d.path("date")), text(d.path("units")), text(d.path("requests")), Cells.pairs(d.path("breakdown")));
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
