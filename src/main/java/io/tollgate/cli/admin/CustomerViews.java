package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Human views of customer documents. */
final class CustomerViews {
  private CustomerViews() {}

  static void customer(JsonNode c, PrintWriter out) {
    JsonNode keys = c.path("keys");
    Table t = Table.fields()
        .row("customer_id", text(c.path("customer_id")))
        .row("name", text(c.path("name")))
        .row("email", text(c.path("email")))
        .row("tier", text(c.path("tier")))
        .row("status", text(c.path("status")))
        .row("namespaces", Cells.list(c.path("namespaces")))
        .row("quota", Cells.quota(c.path("limits").path("quota")))
        .row("rate_limit", Cells.rateLimit(c.path("limits").path("rate_limit")))
        .row("overrides", c.path("limit_overrides").isEmpty() ? "-" : text(c.path("limit_overrides")))
        .row("metadata", c.path("metadata").isEmpty() ? "-" : text(c.path("metadata")));
    if (!keys.isMissingNode()) {
      t.row("keys", text(keys.path("total")) + " (" + text(keys.path("active")) + " active, "
          + text(keys.path("revoked")) + " revoked, " + text(keys.path("expired")) + " expired)");
    }
    t.row("created_at", text(c.path("created_at")))
        .row("updated_at", text(c.path("updated_at")))
        .row("deactivated_at", text(c.path("deactivated_at")))
        .print(out);
  }

  static void list(JsonNode page, PrintWriter out) {
    Table t = Table.of("CUSTOMER_ID", "NAME", "TIER", "STATUS", "NAMESPACES", "CREATED_AT");
    for (JsonNode c : page.path("customers")) {
      t.row(text(c.path("customer_id")), text(c.path("name")), text(c.path("tier")), text(c.path("status")),
          Cells.list(c.path("namespaces")), text(c.path("created_at")));
    }
    t.printOr("no customers", out);
    Cells.nextPage(page, out);
  }

  /** The new customer, then its first key and that key's secret. */
  static void created(JsonNode c, PrintWriter out) {
    customer(c, out);
    out.println();
    out.println("first key:");
    KeyViews.issued(c.path("api_key"), out);
  }

  /** After a namespace grant or withdrawal: the namespaces the customer has now. */
  static void namespaces(JsonNode c, PrintWriter out) {
    out.println(text(c.path("customer_id")) + " namespaces: " + Cells.list(c.path("namespaces")));
  }
}
