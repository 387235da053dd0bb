package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.CliAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

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
    String id = server.tollgate().admin("GET", "/admin/webhooks").json().path("webhooks").get(0).path("id").asText();

    assertThat(ok(server.run("webhooks", "list")).out()).contains(id, "https://hooks.example.com/t")
        .doesNotContain(secret);
    assertThat(ok(server.run("webhooks", "get", id)).out()).contains("key.revoked").doesNotContain(secret);
    assertThat(ok(server.run("webhooks", "disable", id)).out()).contains("false");
    assertThat(ok(server.run("webhooks", "enable", id)).out()).contains("true");
    assertThat(ok(server.run("webhooks", "test", id)).out()).contains("webhook.test", "pending");
    assertThat(ok(server.run("webhooks", "deliveries", id)).out()).contains("webhook.test");
    assertThat(ok(server.run("webhooks", "delete", id)).out()).contains("deleted " + id);
    assertThat(server.run("webhooks", "get", id).exit()).isEqualTo(1);
  }
}
