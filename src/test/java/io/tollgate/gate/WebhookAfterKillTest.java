package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An event committed but not delivered when the process is killed with SIGKILL is delivered after the restart. */
final class WebhookAfterKillTest {
  @TempDir Path dir;

  @Test
  void kill9_betweenCommitAndDelivery_stillDeliversAfterRestart() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(0)) {
      // the deliverer reads the outbox at start and then only every hour: nothing is sent before the kill
      TollgateProcess tollgate = TollgateProcess.start(dir, "webhooks:\n  allow_private: true\n"
          + "  poll_interval: 1h\n", List.of("-XX:TieredStopAtLevel=1"));
      try {
        var created = tollgate.admin("POST", "/admin/webhooks", "{\"url\":\"" + receiver.url()
            + "\",\"events\":[\"customer.created\"]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(tollgate.admin("POST", "/admin/customers", "{\"customer_id\":\"killed\"}").status())
            .isEqualTo(201);
        JsonNode pending = tollgate.admin("GET", "/admin/webhooks/" + id + "/deliveries", null).json()
            .get("deliveries").get(0);
        assertThat(pending.get("status").asText()).isEqualTo("pending");
        assertThat(receiver.received).isEmpty();

        tollgate.kill();
        tollgate.restart();

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() == 1);
        assertThat(receiver.received.get(0).header("webhook-id")).isEqualTo(pending.get("event_id").asText());
        await().atMost(Duration.ofSeconds(10)).until(() -> tollgate.admin("GET", "/admin/webhooks/" + id
            + "/deliveries", null).json().get("deliveries").get(0).get("status").asText().equals("delivered"));
        assertThat(receiver.received).hasSize(1);
      } finally {
        tollgate.close();
      }
    }
  }
}
