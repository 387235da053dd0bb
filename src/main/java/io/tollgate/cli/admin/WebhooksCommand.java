package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.AdminClient.segment;
import static io.tollgate.cli.admin.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tollgate webhooks …}: webhook endpoints and their deliveries (docs/webhooks.md). */
@Command(name = "webhooks", mixinStandardHelpOptions = true,
    description = "Webhook endpoints, their deliveries, a retry and a test event.",
    footer = {"%nExample:", "  tollgate webhooks create https://hooks.example.com/t --event usage.threshold"})
final class WebhooksCommand {
  static final String SECRET_LABEL = "signing secret (shown once, store it now): ";

  @Spec
  CommandSpec spec;

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create an endpoint; its signing secret is printed once.",
      footer = {"%nExample:", "  tollgate webhooks create https://hooks.example.com/t \\",
          "      --event usage.threshold --event key.revoked"})
  int create(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(index = "0", paramLabel = "URL") String url,
      @Option(names = "--event", required = true, paramLabel = "TYPE",
          description = "an event type to receive (repeat for more)") List<String> events,
      @Option(names = "--description", paramLabel = "TEXT") String description) {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("url", url);
    events.forEach(body.putArray("events")::add);
    if (description != null) {
      body.put("description", description);
    }
    return out.print(admin.client().post("/admin/webhooks", body), (e, w) -> {
      endpoint(e, w);
      w.println();
      w.println(SECRET_LABEL + text(e.path("secret")));
    });
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every endpoint, oldest first.",
      footer = {"%nExample:", "  tollgate webhooks list"})
  int list(@Mixin AdminOptions admin, @Mixin Output out) {
    return out.print(admin.client().get("/admin/webhooks", Map.of()), (d, w) -> {
      Table t = Table.of("ID", "URL", "EVENTS", "ENABLED", "DISABLED_REASON");
      for (JsonNode e : d.path("webhooks")) {
        t.row(text(e.path("id")), text(e.path("url")), Cells.list(e.path("events")), text(e.path("enabled")),
            text(e.path("disabled_reason")));
      }
      t.printOr("no webhook endpoints", w);
    });
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "One endpoint (never its secret).",
      footer = {"%nExample:", "  tollgate webhooks get whe_0123"})
  int get(@Mixin AdminOptions admin, @Mixin Output out, @Parameters(index = "0", paramLabel = "ID") String id) {
    return out.print(admin.client().get(path(id), Map.of()), WebhooksCommand::endpoint);
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = {"Change an endpoint's URL, events or description; options not given keep their value.",
          "--event replaces the whole list of events; --description '' clears the description."},
      footer = {"%nExample:", "  tollgate webhooks update whe_0123 --event usage.threshold \\",
          "      --event sla.at_risk --description billing"})
  int update(@Mixin AdminOptions admin, @Mixin Output out, @Parameters(index = "0", paramLabel = "ID") String id,
      @Option(names = "--url", paramLabel = "URL", description = "the new URL") String url,
      @Option(names = "--event", paramLabel = "TYPE",
          description = "an event type to receive (repeat for more): the new full list") List<String> events,
      @Option(names = "--description", paramLabel = "TEXT", description = "the new description ('' clears it)")
      String description) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    Bodies.putText(body, "url", url);
    Bodies.putList(body, "events", events);
    if (description != null) {
      body.put("description", description.isEmpty() ? null : description);
    }
    if (body.isEmpty()) {
      throw new ParameterException(spec.subcommands().get("update"),
          "nothing to change: give --url, --event or --description");
    }
    return out.print(admin.client().patch(path(id), body), WebhooksCommand::endpoint);
  }

  @Command(name = "enable", mixinStandardHelpOptions = true,
      description = "Enable an endpoint (also one Tollgate disabled).",
      footer = {"%nExample:", "  tollgate webhooks enable whe_0123"})
  int enable(@Mixin AdminOptions admin, @Mixin Output out, @Parameters(index = "0", paramLabel = "ID") String id) {
    return out.print(admin.client().patch(path(id), JsonNodeFactory.instance.objectNode().put("enabled", true)),
        WebhooksCommand::endpoint);
  }

  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Stop deliveries to an endpoint.",
      footer = {"%nExample:", "  tollgate webhooks disable whe_0123"})
  int disable(@Mixin AdminOptions admin, @Mixin Output out, @Parameters(index = "0", paramLabel = "ID") String id) {
    return out.print(admin.client().patch(path(id), JsonNodeFactory.instance.objectNode().put("enabled", false)),
        WebhooksCommand::endpoint);
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an endpoint and its deliveries.",
      footer = {"%nExample:", "  tollgate webhooks delete whe_0123"})
  int delete(@Mixin AdminOptions admin, @Mixin Output out, @Parameters(index = "0", paramLabel = "ID") String id) {
    return out.print(admin.client().delete(path(id)), (d, w) -> w.println("deleted " + id));
  }

  @Command(name = "deliveries", mixinStandardHelpOptions = true, description = "An endpoint's newest deliveries.",
      footer = {"%nExample:", "  tollgate webhooks deliveries whe_0123"})
  int deliveries(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(index = "0", paramLabel = "ID") String id) {
    return out.print(admin.client().get(path(id) + "/deliveries", Map.of()), (d, w) -> {
      Table t = Table.of("ID", "EVENT_ID", "TYPE", "STATUS", "ATTEMPTS", "LAST_STATUS", "NEXT_ATTEMPT_AT");
      for (JsonNode x : d.path("deliveries")) {
        t.row(text(x.path("id")), text(x.path("event_id")), text(x.path("type")), text(x.path("status")),
            text(x.path("attempts")), text(x.path("last_status")), text(x.path("next_attempt_at")));
      }
      t.printOr("no deliveries", w);
    });
  }

  @Command(name = "retry", mixinStandardHelpOptions = true, description = "Send a delivery again, now.",
      footer = {"%nExample:", "  tollgate webhooks retry whe_0123 whd_4567"})
  int retry(@Mixin AdminOptions admin, @Mixin Output out, @Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "DELIVERY") String delivery) {
    return out.print(admin.client().post(path(id) + "/deliveries/" + segment(delivery) + "/retry",
        JsonNodeFactory.instance.objectNode()), WebhooksCommand::delivery);
  }

  @Command(name = "test", mixinStandardHelpOptions = true, description = "Send a webhook.test event to an endpoint.",
      footer = {"%nExample:", "  tollgate webhooks test whe_0123"})
  int test(@Mixin AdminOptions admin, @Mixin Output out, @Parameters(index = "0", paramLabel = "ID") String id) {
    return out.print(admin.client().post(path(id) + "/test", JsonNodeFactory.instance.objectNode()),
        WebhooksCommand::delivery);
  }

  private static String path(String id) {
    return "/admin/webhooks/" + segment(id);
  }

  private static void endpoint(JsonNode e, PrintWriter out) {
    Table.fields()
        .row("id", text(e.path("id")))
        .row("url", text(e.path("url")))
        .row("events", Cells.list(e.path("events")))
        .row("description", text(e.path("description")))
        .row("enabled", text(e.path("enabled")))
        .row("created_at", text(e.path("created_at")))
        .row("disabled_reason", text(e.path("disabled_reason")))
        .print(out);
  }

  private static void delivery(JsonNode d, PrintWriter out) {
    Table.fields()
        .row("id", text(d.path("id")))
        .row("event_id", text(d.path("event_id")))
        .row("type", text(d.path("type")))
        .row("status", text(d.path("status")))
        .row("attempts", text(d.path("attempts")))
        .row("next_attempt_at", text(d.path("next_attempt_at")))
        .print(out);
  }
}
