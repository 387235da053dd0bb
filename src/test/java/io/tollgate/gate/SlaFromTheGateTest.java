package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLA attainment as the usage document, the daily series and the billing export show it, from real proxied traffic:
 * the engine's 5xx and the gate's 504 fail the SLA, the engine's 4xx are answered requests, the customer's own
 * refusals are not eligible; the counts are durable across a restart.
 */
final class SlaFromTheGateTest {
  @TempDir Path dir;

  @Test
  void engineAndGate5xx_failTheSla_customerRefusalsDoNot_exactCountsAfterFlushAndRestart() throws Exception {
    String month = LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7);
    try (GateFixture f = GateFixture.start(dir, "  engine_timeout: 500ms\n", Map.of())) {
      String key = f.customer("{\"customer_id\":\"sla-1\",\"tier\":\"growth\"}");
      String clean = f.customer("{\"customer_id\":\"sla-2\",\"tier\":\"enterprise\"}");
      for (int i = 0; i < 6; i++) {
        assertThat(f.gate("GET", "/v1/default/items/i" + i, key).status()).isEqualTo(200);
      }
      for (int i = 0; i < 3; i++) { // the engine's 4xx: answered, billed, eligible and not failed
        assertThat(f.gate("GET", "/v1/default/serve/status/404", key).status()).isEqualTo(404);
      }
      assertThat(f.gate("GET", "/v1/default/serve/status/500", key).status()).isEqualTo(500);
      assertThat(f.gate("GET", "/v1/default/serve/status/500", key).status()).isEqualTo(500);
      assertThat(f.gate("GET", "/v1/default/serve/status/502", key).status()).isEqualTo(502);
      assertThat(f.gate("GET", "/v1/default/serve/slow/3000", key).status()).isEqualTo(504); // the gate's own 5xx
      // the customer's refusals: neither eligible nor failed
      assertThat(f.gate("GET", "/v1/private/items/x", key).status()).isEqualTo(403);
      assertThat(f.gate("GET", "/v1/private/items/y", key).status()).isEqualTo(403);
      assertThat(f.gate("GET", "/nowhere", key).status()).isEqualTo(404);
      assertThat(f.gate("GET", "/v1/default/items/x", "tg_live_notARealKey").status()).isEqualTo(401);
      assertThat(f.gate("GET", "/v1/default/items/c", clean).status()).isEqualTo(200);

      JsonNode usage = f.awaitUsage("sla-1", u -> u.path("sla").path("eligible_requests").asLong() == 13
          && u.get("rejected").path("namespace_denied").asLong() == 2);
      assertFailing(usage.get("sla"));
      JsonNode other = f.awaitUsage("sla-2", u -> u.path("sla").path("eligible_requests").asLong() == 1);
      assertClean(other.get("sla"));

      JsonNode daily = f.tollgate.admin("GET", "/admin/customers/sla-1/usage/daily").json();
      assertThat(daily.get("days")).hasSize(1);
      assertFailing(daily.get("days").get(0).get("sla"));

      JsonNode export = f.tollgate.admin("GET", "/admin/usage/export?period=" + month).json();
      assertThat(export.get("sla")).hasSize(2);
      assertThat(export.get("sla").get(0).get("customer_id").asText()).isEqualTo("sla-1");
      assertFailing(export.get("sla").get(0));
      assertClean(export.get("sla").get(1));

      JsonNode all = f.tollgate.admin("GET", "/admin/usage?period=" + month).json();
      assertThat(all.get("customers").get(0).get("sla").get("failed_requests").asLong()).isEqualTo(4);
    }
    try (RunningTollgate again = RunningTollgate.start(dir.resolve("data"),
        Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY), Optional.of(dir.resolve("tollgate.yaml")))) {
      assertFailing(again.admin("GET", "/admin/customers/sla-1/usage").json().get("sla"));
      assertClean(again.admin("GET", "/admin/customers/sla-2/usage").json().get("sla"));
    }
  }

  /** 9 answered (6 × 200, 3 × the engine's 404) and 4 failed (2 × 500, the engine's 502, the gate's 504). */
  private static void assertFailing(JsonNode sla) {
    assertThat(sla.get("target").decimalValue()).isEqualByComparingTo("99.95");
    assertThat(sla.get("eligible_requests").asLong()).isEqualTo(13);
    assertThat(sla.get("failed_requests").asLong()).isEqualTo(4);
    assertThat(sla.get("attained").decimalValue()).isEqualByComparingTo("69.2307"); // 9 / 13, rounded down
    assertThat(sla.get("error_budget_remaining").decimalValue()).isEqualByComparingTo("-614.3847");
    assertThat(sla.get("met").asBoolean()).isFalse();
  }

  private static void assertClean(JsonNode sla) {
    assertThat(sla.get("target").decimalValue()).isEqualByComparingTo("99.99");
    assertThat(sla.get("eligible_requests").asLong()).isEqualTo(1);
    assertThat(sla.get("failed_requests").asLong()).isZero();
    assertThat(sla.get("attained").decimalValue()).isEqualByComparingTo("100");
    assertThat(sla.get("error_budget_remaining").decimalValue()).isEqualByComparingTo("1");
    assertThat(sla.get("met").asBoolean()).isTrue();
  }
}
