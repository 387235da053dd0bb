package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.CliAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.cli.admin.CliProcess.Run;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tollgate sla report}: the customers below their SLA target, from real traffic to an engine that is down. */
final class CliSlaReportTest {
  /** Nothing listens on port 1 of loopback: every forwarded request is the gate's 502. */
  private static final String CONFIG = "gate:\n  engine: http://127.0.0.1:1\n";

  @RegisterExtension
  static final CliServer server = new CliServer(Optional.of(CONFIG));

  @Test
  void slaReport_listsTheCustomersBelowTarget_only() {
    RunningTollgate t = server.tollgate();
    String down = t.admin("POST", "/admin/customers", "{\"customer_id\":\"down-co\",\"tier\":\"growth\"}").json()
        .get("api_key").get("key").asText();
    assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":\"quiet-co\"}").status()).isEqualTo(201);
    for (int i = 0; i < 3; i++) {
      assertThat(t.send("GET", t.gateUri("/v1/default/items/x"), null, Map.of("Authorization", "Bearer " + down))
          .status()).isEqualTo(502);
    }
    await().until(() -> t.admin("GET", "/admin/customers/down-co/usage").json().path("sla")
        .path("failed_requests").asLong() == 3);
    String month = LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7);

    Run report = ok(server.run("sla", "report", "--period", month));
    assertThat(report.out()).contains("period " + month)
        .containsPattern("down-co\\s+99.95%\\s+0%\\s+3\\s+3\\s+-1999")
        .doesNotContain("quiet-co");

    JsonNode json = ok(server.run("sla", "report", "--period", month, "--json")).json();
    assertThat(json.path("customers").findValuesAsText("customer_id")).contains("down-co", "quiet-co");
  }

  @Test
  void slaReport_everyCustomerMet_saysSo() {
    Run report = ok(server.run("sla", "report", "--period", "2020-01"));
    assertThat(report.out()).contains("every customer met its SLA target");
  }
}
