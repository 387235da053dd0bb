package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.AdminClient.query;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The top-level commands about the server as a whole: {@code tiers}, {@code audit}, {@code reload}, {@code health}. */
final class ServerCommands {
  private ServerCommands() {}

  @Command(name = "tiers", mixinStandardHelpOptions = true,
      description = {"The tier catalog.", "Price, quota, rate limit and SLA of each tier, and the default tier."},
      footer = {"%nExample:", "  tollgate tiers --json"})
  static int tiers(@Mixin AdminOptions admin, @Mixin Output out) {
    return out.print(admin.client().get("/admin/tiers", Map.of()), CatalogViews::tiers);
  }

  @Command(name = "audit", mixinStandardHelpOptions = true,
      description = {"The audit log, newest first.", "Who changed what: one entry per admin change."},
      footer = {"%nExample:", "  tollgate audit --customer acme-corp --limit 20"})
  static int audit(@Mixin AdminOptions admin, @Mixin Output out, @Mixin Paging paging,
      @Option(names = "--customer", paramLabel = "CUSTOMER", description = "only entries about this customer")
      String customer) {
    return out.print(paging.fetch(admin.client(), "/admin/audit", query("customer_id", customer), "entries"),
        CatalogViews::audit);
  }

  @Command(name = "reload", mixinStandardHelpOptions = true,
      description = {"Reload tiers, routes and the registry on the server.",
          "Re-reads tiers and routes from the server's configuration files and the registry from the store, and "
              + "swaps them in at once; an invalid file changes nothing (refused: invalid_configuration)."},
      footer = {"%nExample:", "  tollgate reload"})
  static int reload(@Mixin AdminOptions admin, @Mixin Output out) {
    return out.print(admin.client().post("/admin/registry/reload", JsonNodeFactory.instance.objectNode()),
        CatalogViews::reload);
  }

  @Command(name = "health", mixinStandardHelpOptions = true,
      description = {"Liveness and store check of the server (needs no admin key).",
          "Exit 0 when healthy (or degraded: its registry is stale but it still serves), 1 when the server answers"
              + " 503 (its store is down, or its registry is stale and it refuses requests), 3 when it does not"
              + " answer."},
      footer = {"%nExample:", "  tollgate health --admin-url http://10.0.0.5:8081"})
  static int health(@Mixin AdminOptions admin, @Mixin Output out) {
    Reply reply = admin.anonymousClient().get("/health", Map.of());
    if (reply instanceof Reply.Refused r && r.document().has("status")) {
      // 503 carries a health document, not a problem: show it like a success, then exit 1
      out.print(new Reply.Answered(r.status(), r.document(), r.document().toString()), CatalogViews::health);
      String why = "down".equals(r.document().path("store").asText()) ? "the store does not answer"
          : "the registry is stale and the node refuses requests";
      out.refused(new Reply.Refused(r.status(), "unavailable", why, r.document()));
      return Reply.REFUSED;
    }
    return out.print(reply, CatalogViews::health);
  }
}
