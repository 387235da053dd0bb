package io.tollgate.admin.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.admin.SharedTollgate;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With a yearly tier (the built-in catalog) {@code monthly_quota} is the year's quota and {@code quota_period} says
 * {@code year}, rather than a refusal or an invented twelfth (docs/decisions.md).
 */
final class CompatYearlyQuotaApiTest {
  @RegisterExtension static final SharedTollgate server = new SharedTollgate();

  private static Answer seed(String method, String path, String body) {
    RunningTollgate t = server.get();
    return t.send(method, t.adminUri(path), body, Map.of("Authorization", "Bearer " + RunningTollgate.ADMIN_KEY));
  }

  @Test
  void yearlyTier_answersTheYearsQuotaAsMonthlyQuota_withQuotaPeriodYear() {
    Answer created = seed("POST", "/gate/onboard/create", "{\"tenant_id\":\"yearly-co\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.json().get("plan").asText()).isEqualTo("starter");
    assertThat(created.json().get("api_key").asText()).startsWith("tg_live_");
    assertThat(created.json().get("monthly_quota").asLong()).isEqualTo(2_000_000);
    assertThat(created.json().get("quota_period").asText()).isEqualTo("year");
    assertThat(created.json().get("rate_limit").get("window_s").asInt()).isEqualTo(1);

    Answer usage = seed("GET", "/gate/usage/yearly-co", null);
    assertThat(usage.json().get("period").asText()).isEqualTo(Year.now(ZoneOffset.UTC).toString());
    assertThat(usage.json().get("quota_period").asText()).isEqualTo("year");
    Answer month = seed("GET", "/gate/usage/yearly-co?period=2026-01", null);
    assertThat(month.json().get("utilization").isNull()).as(month.text()).isTrue();
  }
}
