package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the gate bills shows in the usage document, the daily series and the billing export, which agree. */
final class UsageFromTheGateTest {
  @TempDir Path dir;

  @Test
  void proxiedRequests_appearInUsageDailyAndExport_byOperationAndKey() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "", Map.of())) {
      String key = f.customer("{\"customer_id\":\"bill-1\",\"tier\":\"growth\"}");
      String second = f.tollgate.admin("POST", "/admin/customers/bill-1/keys", "{}").json().get("key").asText();
      for (int i = 0; i < 3; i++) {
        assertThat(f.gate("PUT", "/v1/default/items/i" + i, key, "v", Map.of()).status()).isEqualTo(200);
      }
      assertThat(f.gate("GET", "/v1/default/items/i1", second).status()).isEqualTo(200);
      assertThat(f.gate("POST", "/v1/default/query", second, "{}", Map.of()).status()).isEqualTo(200);
      assertThat(f.gate("GET", "/v1/private/items/i1", key).status()).isEqualTo(403);

      await().until(() -> f.usage("bill-1").get("requests").asLong() == 5
          && f.usage("bill-1").get("rejected").get("namespace_denied").asLong() == 1);
      JsonNode usage = f.usage("bill-1");
      assertThat(usage.get("units_used").decimalValue()).isEqualByComparingTo("5.5");
      assertThat(usage.get("breakdown").get("put").decimalValue()).isEqualByComparingTo("3");
      assertThat(usage.get("breakdown").get("get").decimalValue()).isEqualByComparingTo("0.5");
      assertThat(usage.get("breakdown").get("query_topk").decimalValue()).isEqualByComparingTo("2");
      assertThat(usage.get("by_key")).hasSize(2);

      String month = LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7);
      JsonNode daily = f.tollgate.admin("GET", "/admin/customers/bill-1/usage/daily").json();
      assertThat(daily.get("days")).hasSize(1);
      assertThat(daily.get("days").get(0).get("units").decimalValue()).isEqualByComparingTo("5.5");

      JsonNode export = f.tollgate.admin("GET", "/admin/usage/export?period=" + month).json();
      assertThat(export.get("rows")).hasSize(3);
      assertThat(export.get("rows").get(0).get("operation").asText()).isEqualTo("get");
      assertThat(export.get("rows").get(1).get("operation").asText()).isEqualTo("put");
      assertThat(export.get("rows").get(1).get("requests").asLong()).isEqualTo(3);
      Answer csv = f.tollgate.admin("GET", "/admin/usage/export?format=csv&period=" + month);
      assertThat(csv.header("Content-Type")).startsWith("text/csv");
      assertThat(csv.text().split("\r\n")).hasSize(4);
      assertThat(csv.text()).startsWith("customer_id,period,period_start,period_end,operation,units,requests\r\n")
          .contains("bill-1," + month + ",").contains(",query_topk,2,1");
      assertThat(f.tollgate.admin("GET", "/admin/usage/export?format=xml").status()).isEqualTo(422);
    }
  }

  @Test
  void refusals_appearInTheLastHour_byCodeAndCustomer() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "", Map.of())) {
      String key = f.customer("{\"customer_id\":\"refused-1\"}");
      assertThat(f.gate("GET", "/v1/private/items/x", key).status()).isEqualTo(403);
      assertThat(f.gate("GET", "/v1/private/items/y", key).status()).isEqualTo(403);
      assertThat(f.gate("GET", "/v1/default/items/x", "tg_live_notARealKey").status()).isEqualTo(401);

      JsonNode recent = f.tollgate.admin("GET", "/admin/refusals/recent").json();
      assertThat(recent.get("total").asLong()).isEqualTo(2);
      assertThat(recent.get("by_code").get("namespace_denied").asLong()).isEqualTo(2);
      assertThat(recent.get("by_customer").get("refused-1").asLong()).isEqualTo(2);
    }
  }
}
