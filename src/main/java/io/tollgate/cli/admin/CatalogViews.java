package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Human views of the tier catalog, the audit log, a reload and health. */
final class CatalogViews {
  private CatalogViews() {}

  static void tiers(JsonNode document, PrintWriter out) {
    Table t = Table.of("NAME", "DISPLAY_NAME", "PRICE", "QUOTA", "RATE_LIMIT", "SLA");
    for (JsonNode tier : document.path("tiers")) {
      JsonNode price = tier.path("price");
      t.row(text(tier.path("name")), text(tier.path("display_name")),
          text(price.path("amount")) + " " + text(price.path("currency")) + " / " + text(price.path("period")),
          Cells.quota(tier.path("quota")), Cells.rateLimit(tier.path("rate_limit")), text(tier.path("sla")) + " %");
    }
    t.print(out);
    out.println("default tier: " + text(document.path("default_tier")));
  }

  static void audit(JsonNode page, PrintWriter out) {
    Table t = Table.of("ID", "AT", "ACTOR", "VIA", "ACTION", "CUSTOMER_ID", "KEY_ID", "CHANGES");
    for (JsonNode e : page.path("entries")) {
      t.row(text(e.path("id")), text(e.path("at")), text(e.path("actor")), text(e.path("via")),
          text(e.path("action")),
          text(e.path("customer_id")), text(e.path("key_id")), changes(e.path("changes")));
    }
    t.printOr("no audit entries", out);
    Cells.nextPage(page, out);
  }

  static void reload(JsonNode r, PrintWriter out) {
    out.println(text(r.path("status")) + ": " + text(r.path("customers")) + " customers, " + text(r.path("keys"))
        + " keys, " + text(r.path("tiers")) + " tiers, " + text(r.path("routes")) + " routes");
  }

  static void health(JsonNode h, PrintWriter out) {
    out.println("status " + text(h.path("status")) + ", store " + text(h.path("store")) + ", registry "
        + text(h.path("registry")) + ", " + text(h.path("customers")) + " customers, " + text(h.path("keys")) + " keys");
  }

  private static String changes(JsonNode changes) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> c : changes.properties()) {
      parts.add(c.getKey() + ": " + text(c.getValue().path("before")) + " -> " + text(c.getValue().path("after")));
    }
    return parts.isEmpty() ? "-" : String.join("; ", parts);
  }
}
