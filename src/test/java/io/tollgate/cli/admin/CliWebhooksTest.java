package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.CliAssertions.ok;
import static io.tollgate.cli.admin.CliAssertions.refused;
import static io.tollgate.cli.admin.CliAssertions.usageError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.cli.admin.CliProcess.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tollgate webhooks ...} as separate processes: the secret is printed once, by create only. */
final class CliWebhooksTest {
  @RegisterExtension
  static final CliServer server = new CliServer();

  @Test
  void webhooksCreate_printsSecretOnce_andListGetDisableEnableTestDeliveriesDelete() {
    Run created = ok(server.run("webhooks", "create", "https://hooks.example.com/t", "--event", "usage.threshold",
        "--event", "key.revoked", "--description", "billing"));
    assertThat(created.out()).contains(WebhooksCommand.SECRET_LABEL + "whsec_", "usage.threshold", "billing");
    String secret = created.out().substring(created.out().indexOf("whsec_")).strip();
    String id = server.tollgate().admin("GET", "/admin/webhooks").json().path("webhooks").findValuesAsText("id")
        .stream().filter(created.out()::contains).findFirst().orElseThrow();

    assertThat(ok(server.run("webhooks", "list")).out()).contains(id, "https://hooks.example.com/t")
        .doesNotContain(secret);
    assertThat(ok(server.run("webhooks", "get", id)).out()).contains("key.revoked").doesNotContain(secret);
    assertThat(ok(server.run("webhooks", "disable", id)).out()).contains("false");
    assertThat(ok(server.run("webhooks", "enable", id)).out()).contains("true");
    assertThat(ok(server.run("webhooks", "test", id)).out()).contains("webhook.test", "pending");
    Run deliveries = ok(server.run("webhooks", "deliveries", id));
    assertThat(deliveries.out()).contains("webhook.test");
    String delivery = server.tollgate().admin("GET", "/admin/webhooks/" + id + "/deliveries").json()
        .path("deliveries").get(0).path("id").asText();
    assertThat(ok(server.run("webhooks", "retry", id, delivery)).out()).contains(delivery, "webhook.test", "pending");
    assertThat(ok(server.run("webhooks", "delete", id)).out()).contains("deleted " + id);
    assertThat(server.run("webhooks", "get", id).exit()).isEqualTo(1);
  }

  @Test
  void webhooksUpdate_changesUrlEventsAndDescription_andARefusalChangesNothing() {
    String id = ok(server.run("webhooks", "create", "https://hooks.example.com/before", "--event", "key.created",
        "--description", "first", "--json")).json().path("id").asText();

    Run updated = ok(server.run("webhooks", "update", id, "--url", "https://hooks.example.com/after",
        "--event", "usage.threshold", "--event", "sla.at_risk", "--description", "billing"));
    assertThat(updated.out()).contains("https://hooks.example.com/after", "sla.at_risk, usage.threshold", "billing")
        .doesNotContain("key.created", "whsec_");
    JsonNode stored = server.tollgate().admin("GET", "/admin/webhooks/" + id).json();
    assertThat(stored.path("url").asText()).isEqualTo("https://hooks.example.com/after");
    assertThat(stored.path("events").toString()).isEqualTo("[\"sla.at_risk\",\"usage.threshold\"]");
    assertThat(stored.path("description").asText()).isEqualTo("billing");

    assertThat(refused(server.run("webhooks", "update", id, "--url", "http://hooks.example.com/plain",
        "--event", "no.such_event"), "validation_failed").err()).contains("url", "events");
    assertThat(server.tollgate().admin("GET", "/admin/webhooks/" + id).json()).isEqualTo(stored);

    ok(server.run("webhooks", "update", id, "--description", ""));
    JsonNode cleared = server.tollgate().admin("GET", "/admin/webhooks/" + id).json();
    assertThat(cleared.path("description").isNull()).isTrue();
    assertThat(cleared.path("events")).isEqualTo(stored.path("events"));
    assertThat(cleared.path("url")).isEqualTo(stored.path("url"));

    usageError(server.run("webhooks", "update", id), "nothing to change");
    refused(server.run("webhooks", "update", "whe_missing", "--description", "x"), "not_found");
  }
}
