package io.tollgate.admin.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seed 003's usage routes answer the Admin API's usage documents in the seed's names, and its registry reload is
 * the Admin API's, audited {@code "via": "compat"}.
 */
final class CompatUsageApiTest {
  @RegisterExtension static final Seed003Tollgate server = new Seed003Tollgate();

  @Test
  void usage_ofOneTenant_hasCusUsedQuotaUtilizationAndBreakdown_asTheAdminApiCountsThem() {
    String key = server.onboard("usage-co", "pro").get("api_key").asText();
    server.verify(key, "default", "12450.5");
    await().until(() -> server.get().admin("GET", "/admin/customers/usage-co/usage").json()
        .get("units_used").decimalValue().compareTo(new java.math.BigDecimal("12450.5")) == 0);
    String month = YearMonth.now(ZoneOffset.UTC).toString();

    Answer a = server.seed("GET", "/gate/usage/usage-co", null);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    JsonNode u = a.json();
    assertThat(u.get("tenant_id").asText()).isEqualTo("usage-co");
    assertThat(u.get("period").asText()).isEqualTo(month);
    assertThat(u.get("cus_used").decimalValue()).isEqualByComparingTo("12450.5");
    assertThat(u.get("monthly_quota").asLong()).isEqualTo(500000);
    assertThat(u.get("utilization").decimalValue()).isEqualByComparingTo(
        server.get().admin("GET", "/admin/customers/usage-co/usage").json().get("utilization").decimalValue());
    assertThat(u.get("utilization").doubleValue()).isBetween(0.0249, 0.025);
    assertThat(u.get("breakdown").get("put").decimalValue()).isEqualByComparingTo("12450.5");

    Answer earlier = server.seed("GET", "/gate/usage/usage-co?period=2020-01", null);
    assertThat(earlier.json().get("period").asText()).isEqualTo("2020-01");
    assertThat(earlier.json().get("cus_used").decimalValue()).isEqualByComparingTo("0");
  }

  @Test
  void usage_ofEveryTenant_listsEachWithTheSeedsFields() {
    String key = server.onboard("all-co", "builder").get("api_key").asText();
    server.verify(key, "default", "2.5");
    await().until(() -> server.get().admin("GET", "/admin/customers/all-co/usage").json()
        .get("units_used").decimalValue().signum() > 0);
    Answer a = server.seed("GET", "/gate/usage", null);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("period").asText()).isEqualTo(YearMonth.now(ZoneOffset.UTC).toString());
    JsonNode line = null;
    for (JsonNode t : a.json().get("tenants")) {
      if (t.get("tenant_id").asText().equals("all-co")) {
        line = t;
      }
    }
    assertThat(line).as(a.text()).isNotNull();
    assertThat(line.get("cus_used").decimalValue()).isEqualByComparingTo("2.5");
    assertThat(line.get("monthly_quota").asLong()).isEqualTo(50000);
    assertThat(line.get("utilization").decimalValue()).isEqualByComparingTo("0.0001"); // 4 decimals, half up
  }

  @Test
  void registryReload_answersAsTheAdminApi_andIsAuditedViaCompat() {
    Answer a = server.seed("POST", "/gate/registry/reload", null);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.json().get("status").asText()).isEqualTo("reloaded");
    assertThat(a.json().get("tiers").asInt()).isEqualTo(4);
    JsonNode newest = server.get().admin("GET", "/admin/audit?limit=1").json().get("entries").get(0);
    assertThat(newest.get("action").asText()).isEqualTo("registry.reload");
    assertThat(newest.get("via").asText()).isEqualTo("compat");
  }
}
