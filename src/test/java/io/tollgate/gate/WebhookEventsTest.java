package io.tollgate.gate;

import static io.tollgate.gate.WebhooksTest.ENV;
import static io.tollgate.gate.WebhooksTest.WEBHOOKS;
import static io.tollgate.gate.WebhooksTest.endpoint;
import static io.tollgate.gate.WebhooksTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events derived from metering and from the clock (sla.at_risk, key.expiring, rate_limit.sustained) and the
 * tier's usage thresholds, end to end: a started Tollgate in front of a real engine, real proxied traffic, and a
 * real receiver on a loopback port.
 */
final class WebhookEventsTest {
  /**
   * A tier promising 99 % (its error budget is 1 % of the eligible requests), and one with a quota of 10 units a
   * month watched at 50 % by the tiers file.
   */
  private static final String TIERS = """
      tiers:
        - name: ninety-nine
          quota: {units: 1000000, period: month}
          rate_limit: {requests: 1000, window_s: 1}
          sla: 99
        - name: metered
          quota: {units: 10, period: month}
          rate_limit: {requests: 1000, window_s: 1}
          sla: 99.9
          usage_thresholds: [50]
        - name: throttled
          quota: {units: 1000000, period: month}
          rate_limit: {requests: 1, window_s: 3600}
          sla: 99
      """;

  @TempDir Path dir;

  private RunningTollgate start(String yaml) throws Exception {
    Files.writeString(dir.resolve("tiers.yaml"), TIERS);
    Path config = dir.resolve("tollgate.yaml");
    Files.writeString(config, "tiers: tiers.yaml\ndefault_tier: ninety-nine\n" + yaml);
    return RunningTollgate.start(dir.resolve("data"), ENV, Optional.of(config));
  }

  private static String customer(RunningTollgate t, String id, String tier) {
    RunningTollgate.Answer a = t.admin("POST", "/admin/customers",
        "{\"customer_id\":\"" + id + "\",\"tier\":\"" + tier + "\"}");
    assertThat(a.status()).as(a.text()).isEqualTo(201);
    return a.json().get("api_key").get("key").asText();
  }

  private static int get(RunningTollgate t, String key, String path) {
    return t.send("GET", t.gateUri(path), null, Map.of("Authorization", "Bearer " + key)).status();
  }

  @Test
  void engine5xxSpendingHalfThenAllOfTheErrorBudget_yieldsOneSlaAtRiskEventPerLevel_evenAfterARestart()
      throws Exception {
    try (TestEngine engine = new TestEngine(); WebhookReceiver receiver = new WebhookReceiver(0)) {
      String yaml = "gate:\n  engine: " + engine.url() + "\n" + WEBHOOKS;
      String key;
      try (RunningTollgate t = start(yaml)) {
        endpoint(t, receiver.url(), "sla.at_risk");
        key = customer(t, "fragile", "ninety-nine");
        for (int i = 0; i < 150; i++) {
          assertThat(get(t, key, "/v1/default/items/i" + i)).isEqualTo(200);
        }
        assertThat(get(t, key, "/v1/default/serve/status/500")).isEqualTo(500); // 1 of 151: half of 1.51
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.eventIds("sla.at_risk").size() == 1);
        assertThat(get(t, key, "/v1/default/serve/status/503")).isEqualTo(503); // 2 of 152: all of 1.52
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.eventIds("sla.at_risk").size() == 2);
      }
      try (RunningTollgate t = start(yaml)) { // more failures after a restart write no third event
        for (int i = 0; i < 3; i++) {
          assertThat(get(t, key, "/v1/default/serve/status/500")).isEqualTo(500);
        }
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(receiver.eventIds("sla.at_risk")).as(receiver::describe).hasSize(2));
      }
      List<JsonNode> events = receiver.events("sla.at_risk").stream().map(r -> read(r.body()).get("data")).toList();
      JsonNode half = events.get(0);
      assertThat(half.get("level").asText()).isEqualTo("half");
      assertThat(half.get("customer_id").asText()).isEqualTo("fragile");
      assertThat(half.get("tier").asText()).isEqualTo("ninety-nine");
      assertThat(half.get("target").decimalValue()).isEqualByComparingTo("99");
      assertThat(half.get("eligible_requests").asLong()).isEqualTo(151);
      assertThat(half.get("failed_requests").asLong()).isEqualTo(1);
      assertThat(half.get("attained").decimalValue()).isEqualByComparingTo("99.3377"); // 150 / 151, rounded down
      JsonNode spent = events.get(1);
      assertThat(spent.get("level").asText()).isEqualTo("exhausted");
      assertThat(spent.get("failed_requests").asLong()).isEqualTo(2);
      assertThat(spent.get("eligible_requests").asLong()).isEqualTo(152);
      assertThat(spent.get("period").asText()).isEqualTo(half.get("period").asText()).matches("\\d{4}-\\d{2}");
    }
  }

  @Test
  void keyCreatedToExpireWithinSevenDays_getsOneKeyExpiringEventAtOnce_aLaterOneNone() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(0);
        RunningTollgate t = start(WEBHOOKS + "  key_expiry_scan: 100ms\n")) {
      endpoint(t, receiver.url(), "key.expiring");
      customer(t, "expiring", "ninety-nine");
      java.time.Instant soon = java.time.Instant.now().plus(Duration.ofDays(3)).truncatedTo(
          java.time.temporal.ChronoUnit.SECONDS);
      RunningTollgate.Answer near = t.admin("POST", "/admin/customers/expiring/keys",
          "{\"name\":\"ci\",\"expires_at\":\"" + soon + "\"}");
      assertThat(near.status()).as(near.text()).isEqualTo(201);
      RunningTollgate.Answer far = t.admin("POST", "/admin/customers/expiring/keys",
          "{\"expires_at\":\"" + java.time.Instant.now().plus(Duration.ofDays(30)) + "\"}");
      assertThat(far.status()).as(far.text()).isEqualTo(201);

      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.eventIds("key.expiring").size() == 1);
      // scanned ten times more: still one event (a delivery attempted again keeps its webhook-id)
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(receiver.eventIds("key.expiring")).as(receiver::describe).hasSize(1));
      JsonNode data = read(receiver.ofType("key.expiring").get(0).body()).get("data");
      assertThat(data.get("key_id").asText()).isEqualTo(near.json().get("key_id").asText());
      assertThat(data.get("customer_id").asText()).isEqualTo("expiring");
      assertThat(java.time.Instant.parse(data.get("expires_at").asText())).isEqualTo(soon);
      assertThat(receiver.ofType("key.expiring").get(0).body()).doesNotContain(near.json().get("key").asText());
    }
  }

  @Test
  void customerRefusedWith429ForMoreThanTheSetting_getsOneRateLimitSustainedEventPerEpisode() throws Exception {
    try (TestEngine engine = new TestEngine(); WebhookReceiver receiver = new WebhookReceiver(0);
        RunningTollgate t = start("gate:\n  engine: " + engine.url() + "\n" + WEBHOOKS
            + "  sustained_rate_limit: 2s\n")) {
      endpoint(t, receiver.url(), "rate_limit.sustained");
      String key = customer(t, "hammering", "throttled");
      assertThat(get(t, key, "/v1/default/serve/x")).isEqualTo(200); // its one request an hour
      long started = System.nanoTime();
      // refused every 100 ms until the event comes: more than 2 s of 429s, counted in the usage batches
      await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(15)).until(() -> {
        assertThat(get(t, key, "/v1/default/serve/x")).isEqualTo(429);
        return receiver.eventIds("rate_limit.sustained").size() == 1;
      });
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(2));
      // still refused for another second and a half: the same episode, no second event
      await().pollInterval(Duration.ofMillis(100)).during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
          .until(() -> get(t, key, "/v1/default/serve/x") == 429
              && receiver.eventIds("rate_limit.sustained").size() == 1);
      JsonNode data = read(receiver.ofType("rate_limit.sustained").get(0).body()).get("data");
      assertThat(data.get("customer_id").asText()).isEqualTo("hammering");
      assertThat(data.get("sustained_rate_limit_s").asLong()).isEqualTo(2);
      assertThat(data.get("refused_for_s").asLong()).isGreaterThanOrEqualTo(2);
      assertThat(java.time.Instant.parse(data.get("since").asText())).isBefore(java.time.Instant.now());
    }
  }

  @Test
  void tierUsageThresholdsFromTheTiersFile_driveUsageThresholdByProxiedTraffic() throws Exception {
    try (TestEngine engine = new TestEngine(); WebhookReceiver receiver = new WebhookReceiver(0);
        RunningTollgate t = start("gate:\n  engine: " + engine.url() + "\n" + WEBHOOKS)) {
      endpoint(t, receiver.url(), "usage.threshold");
      assertThat(t.admin("GET", "/admin/tiers").json().get("tiers").get(1).get("usage_thresholds").toString())
          .isEqualTo("[50]");
      String key = customer(t, "tiered", "metered");
      for (int i = 0; i < 7; i++) { // 7 of 10 units: past the tier's 50 %, not the configured 80 %
        assertThat(get(t, key, "/v1/default/serve/x")).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.eventIds("usage.threshold").size() == 1);
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(receiver.eventIds("usage.threshold")).as(receiver::describe).hasSize(1));
      JsonNode data = read(receiver.ofType("usage.threshold").get(0).body()).get("data");
      assertThat(data.get("threshold").asInt()).isEqualTo(50);
      assertThat(data.get("tier").asText()).isEqualTo("metered");
      assertThat(data.get("customer_id").asText()).isEqualTo("tiered");
      assertThat(data.get("quota").decimalValue()).isEqualByComparingTo("10");
    }
  }
}
