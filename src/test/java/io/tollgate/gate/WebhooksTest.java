package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks end to end: a started Tollgate, endpoints made through the Admin API, and a real receiver on a loopback
 * port ({@code webhooks.allow_private: true}).
 */
final class WebhooksTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String WEBHOOKS = "webhooks:\n  allow_private: true\n  poll_interval: 50ms\n"
      + "  retry_base: 50ms\n";
  static final Map<String, String> ENV = Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);

  @TempDir Path dir;

  private RunningTollgate start(String yaml) throws Exception {
    Path config = dir.resolve("tollgate.yaml");
    Files.writeString(config, yaml);
    return RunningTollgate.start(dir.resolve("data"), ENV, Optional.of(config));
  }

  static JsonNode endpoint(RunningTollgate t, String url, String... events) {
    Answer a = t.admin("POST", "/admin/webhooks", "{\"url\":\"" + url + "\",\"events\":"
        + JSON.valueToTree(List.of(events)) + ",\"description\":\"test receiver\"}");
    assertThat(a.status()).as(a.text()).isEqualTo(201);
    return a.json();
  }

  /** Recomputes the Standard Webhooks signature with the JDK only, as a receiver would. */
  private static String expectedSignature(String secret, String id, String timestamp, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    return "v1," + Base64.getEncoder().encodeToString(
        mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void customerAndKeyEvents_areSignedAsStandardWebhooks_andTheSignatureVerifies() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(0); RunningTollgate t = start(WEBHOOKS)) {
      JsonNode created = endpoint(t, receiver.url(), "customer.created", "key.created", "key.revoked");
      String secret = created.get("secret").asText();
      assertThat(secret).startsWith("whsec_");
      assertThat(t.admin("GET", "/admin/webhooks/" + created.get("id").asText()).text()).doesNotContain(secret)
          .doesNotContain("\"secret\"");
      assertThat(t.admin("GET", "/admin/webhooks").text()).doesNotContain(secret);

      Answer customer = t.admin("POST", "/admin/customers", "{\"customer_id\":\"acme\",\"tier\":\"enterprise\"}");
      String keyId = customer.json().get("api_key").get("key_id").asText();
      t.admin("DELETE", "/admin/customers/acme/keys/" + keyId);

      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 3);
      for (WebhookReceiver.Received r : receiver.received) {
        assertThat(r.header("webhook-signature")).isEqualTo(
            expectedSignature(secret, r.header("webhook-id"), r.header("webhook-timestamp"), r.body()));
        assertThat(r.header("webhook-id")).startsWith("evt_");
        assertThat(Long.parseLong(r.header("webhook-timestamp")))
            .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(30L));
        assertThat(r.header("content-type")).isEqualTo("application/json");
      }
      JsonNode revoked = JSON.readTree(receiver.ofType("key.revoked").get(0).body());
      assertThat(revoked.get("data").get("key_id").asText()).isEqualTo(keyId);
      assertThat(revoked.get("data").get("customer_id").asText()).isEqualTo("acme");
      JsonNode createdEvent = JSON.readTree(receiver.ofType("customer.created").get(0).body());
      assertThat(createdEvent.get("data").get("tier").asText()).isEqualTo("enterprise");
      String everything = String.join("\n", receiver.received.stream().map(WebhookReceiver.Received::body).toList());
      assertThat(everything).doesNotContain(customer.json().get("api_key").get("key").asText());
    }
  }

  @Test
  void tierChange_suspension_deactivation_andRotation_eachWriteTheirEvent() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(0); RunningTollgate t = start(WEBHOOKS)) {
      endpoint(t, receiver.url(), "customer.tier_changed", "customer.suspended", "customer.deactivated",
          "key.created", "key.revoked");
      Answer created = t.admin("POST", "/admin/customers", "{\"customer_id\":\"moving\"}");
      String keyId = created.json().get("api_key").get("key_id").asText();
      assertThat(t.admin("PATCH", "/admin/customers/moving", "{\"tier\":\"enterprise\"}").status()).isEqualTo(200);
      assertThat(t.admin("PATCH", "/admin/customers/moving", "{\"name\":\"Moving Co\"}").status()).isEqualTo(200);
      Answer rotated = t.admin("POST", "/admin/customers/moving/keys/" + keyId + "/rotate", "{}");
      assertThat(rotated.status()).as(rotated.text()).isEqualTo(201);
      assertThat(t.admin("PATCH", "/admin/customers/moving", "{\"active\":false}").status()).isEqualTo(200);
      assertThat(t.admin("DELETE", "/admin/customers/moving").status()).isEqualTo(200);

      // first key, rotation's new key and old key revoked at once, tier, suspension, deactivation; the name is none
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 6);
      JsonNode tier = read(receiver.ofType("customer.tier_changed").get(0).body()).get("data");
      assertThat(tier.get("tier").asText()).isEqualTo("enterprise");
      assertThat(tier.get("previous_tier").asText()).isEqualTo("starter");
      assertThat(receiver.ofType("customer.suspended")).hasSize(1);
      assertThat(read(receiver.ofType("customer.deactivated").get(0).body()).get("data").get("status").asText())
          .isEqualTo("deactivated");
      assertThat(receiver.ofType("key.created")).hasSize(2);
      JsonNode revoked = read(receiver.ofType("key.revoked").get(0).body()).get("data");
      assertThat(revoked.get("key_id").asText()).isEqualTo(keyId);
      assertThat(receiver.ofType("key.created")).map(r -> read(r.body()).get("data").path("replaces").asText())
          .containsExactlyInAnyOrder("", keyId); // delivered in any order
    }
  }

  @Test
  void receiverFailingThreeTimes_thenSucceeding_getsTheEventWithOneWebhookId() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(3); RunningTollgate t = start(WEBHOOKS)) {
      String id = endpoint(t, receiver.url(), "customer.created").get("id").asText();
      t.admin("POST", "/admin/customers", "{\"customer_id\":\"flaky\"}");

      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        JsonNode d = t.admin("GET", "/admin/webhooks/" + id + "/deliveries").json().get("deliveries").get(0);
        assertThat(d.get("status").asText()).isEqualTo("delivered");
      });
      // at least once: three failures, then the success; an attempt sent again (e.g. one whose answer was lost) is
      // allowed, a second event is not
      assertThat(receiver.received).as(receiver::describe).hasSizeGreaterThanOrEqualTo(4);
      assertThat(receiver.received.stream().map(r -> r.header("webhook-id")).distinct()).as(receiver::describe)
          .hasSize(1);
      JsonNode delivery = t.admin("GET", "/admin/webhooks/" + id + "/deliveries").json().get("deliveries").get(0);
      assertThat(delivery.get("attempts").asInt()).as(() -> delivery + "; " + receiver.describe())
          .isGreaterThanOrEqualTo(4).isLessThanOrEqualTo(receiver.received.size());
      assertThat(delivery.get("event_id").asText()).isEqualTo(receiver.received.get(0).header("webhook-id"));
      assertThat(delivery.get("last_status").asInt()).isEqualTo(204);
    }
  }

  @Test
  void customerPushedPast80And100PercentByProxiedTraffic_yieldsExactlyTwoThresholdEvents() throws Exception {
    try (TestEngine engine = new TestEngine(); WebhookReceiver receiver = new WebhookReceiver(0)) {
      String yaml = "gate:\n  engine: " + engine.url() + "\n" + WEBHOOKS;
      String key;
      try (RunningTollgate t = start(yaml)) {
        endpoint(t, receiver.url(), "usage.threshold");
        key = t.admin("POST", "/admin/customers", "{\"customer_id\":\"metered\",\"limits\":{\"quota\":"
            + "{\"units\":10,\"period\":\"month\"}}}").json().get("api_key").get("key").asText();
        for (int i = 0; i < 12; i++) {
          t.send("GET", t.gateUri("/v1/default/serve/x"), null, Map.of("Authorization", "Bearer " + key));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.ofType("usage.threshold").size() == 2);
      }
      // a restart on the same data, and more traffic past the quota, write no third event
      try (RunningTollgate t = start(yaml)) {
        for (int i = 0; i < 3; i++) {
          t.send("GET", t.gateUri("/v1/default/serve/x"), null, Map.of("Authorization", "Bearer " + key));
        }
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
            .until(() -> receiver.ofType("usage.threshold").size() == 2);
      }
      // numbers as the usage document writes them (10, not 1E+1), so a receiver reading a whole number gets one
      assertThat(receiver.ofType("usage.threshold")).allSatisfy(r -> assertThat(r.body())
          .contains("\"quota\":10,").doesNotContainPattern("\\d[eE][+-]?\\d"));
      List<JsonNode> events = receiver.ofType("usage.threshold").stream().map(r -> read(r.body())).toList();
      assertThat(events).extracting(e -> e.get("data").get("threshold").asInt()).containsExactlyInAnyOrder(80, 100);
      assertThat(events).allSatisfy(e -> {
        assertThat(e.get("data").get("customer_id").asText()).isEqualTo("metered");
        assertThat(e.get("data").get("quota").decimalValue()).isEqualByComparingTo("10");
      });
      JsonNode at80 = events.stream().filter(e -> e.get("data").get("threshold").asInt() == 80).findFirst().get();
      assertThat(at80.get("data").get("units_used").decimalValue()).isGreaterThanOrEqualTo(new java.math.BigDecimal(8));
    }
  }

  @Test
  void customerThresholdOverride_setByPatch_replacesTheConfiguredThresholds() throws Exception {
    try (TestEngine engine = new TestEngine(); WebhookReceiver receiver = new WebhookReceiver(0);
        RunningTollgate t = start("gate:\n  engine: " + engine.url() + "\n" + WEBHOOKS)) {
      endpoint(t, receiver.url(), "usage.threshold");
      String key = t.admin("POST", "/admin/customers", "{\"customer_id\":\"halfway\"}").json().get("api_key")
          .get("key").asText();
      Answer bad = t.admin("PATCH", "/admin/customers/halfway", "{\"limits\":{\"usage_thresholds\":[0]}}");
      assertThat(bad.status()).isEqualTo(422);
      Answer patched = t.admin("PATCH", "/admin/customers/halfway", "{\"limits\":{\"quota\":{\"units\":10,"
          + "\"period\":\"month\"},\"usage_thresholds\":[50,50,30]}}");
      assertThat(patched.status()).as(patched.text()).isEqualTo(200);
      assertThat(patched.json().get("limit_overrides").get("usage_thresholds").toString()).isEqualTo("[30,50]");
      for (int i = 0; i < 9; i++) { // 9 of 10: past 30 % and 50 %, not the configured 80 %
        t.send("GET", t.gateUri("/v1/default/serve/x"), null, Map.of("Authorization", "Bearer " + key));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.ofType("usage.threshold").size() == 2);
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> receiver.ofType("usage.threshold").size() == 2);
      assertThat(receiver.ofType("usage.threshold")).map(r -> read(r.body()).get("data").get("threshold").asInt())
          .containsExactlyInAnyOrder(30, 50);
    }
  }

  @Test
  void endpointUrl_httpOrPrivate_isRefusedWithoutAllowPrivate() throws Exception {
    try (RunningTollgate t = start("webhooks:\n  poll_interval: 50ms\n")) {
      Answer http = t.admin("POST", "/admin/webhooks", "{\"url\":\"http://example.com/h\",\"events\":[\"key.created\"]}");
      assertThat(http.status()).isEqualTo(422);
      assertThat(http.json().get("code").asText()).isEqualTo("validation_failed");
      Answer unknown = t.admin("POST", "/admin/webhooks", "{\"url\":\"https://example.com/h\",\"events\":[\"nope\"]}");
      assertThat(unknown.status()).isEqualTo(422);
      assertThat(t.admin("GET", "/admin/webhooks/whe_missing").status()).isEqualTo(404);

      // a name that resolves to loopback is refused at the attempt, after resolution
      String id = endpoint(t, "https://localhost:1/h", "key.created").get("id").asText();
      Answer test = t.admin("POST", "/admin/webhooks/" + id + "/test");
      assertThat(test.status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode d = t.admin("GET", "/admin/webhooks/" + id + "/deliveries").json().get("deliveries").get(0);
        assertThat(d.get("attempts").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(d.get("last_error").asText()).contains("private, loopback or link-local");
      });
    }
  }

  @Test
  void endpointUrl_privateAddressLiteral_isRefusedAtCreateAndPatch_withoutAllowPrivate() throws Exception {
    try (RunningTollgate t = start("webhooks:\n  poll_interval: 50ms\n")) {
      for (String url : List.of("https://10.1.2.3/h", "https://127.0.0.1:8443/h", "https://169.254.169.254/latest",
          "https://192.168.1.1/h", "https://100.64.0.1/h", "https://[::1]/h", "https://[fd00::1]/h")) {
        Answer refused = t.admin("POST", "/admin/webhooks", "{\"url\":\"" + url + "\",\"events\":[\"key.created\"]}");
        assertThat(refused.status()).as(url + ": " + refused.text()).isEqualTo(422);
        assertThat(refused.json().get("code").asText()).isEqualTo("validation_failed");
        assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("url");
        assertThat(refused.json().get("errors").get(0).get("message").asText())
            .contains("private, loopback or link-local", "webhooks.allow_private");
      }
      String id = endpoint(t, "https://93.184.216.34/h", "key.created").get("id").asText();
      Answer patched = t.admin("PATCH", "/admin/webhooks/" + id, "{\"url\":\"https://10.0.0.7/h\"}");
      assertThat(patched.status()).as(patched.text()).isEqualTo(422);
      assertThat(t.admin("GET", "/admin/webhooks/" + id).json().get("url").asText()).isEqualTo("https://93.184.216.34/h");
      assertThat(t.admin("GET", "/admin/webhooks").json().get("webhooks")).hasSize(1);
    }
    try (RunningTollgate t = start(WEBHOOKS)) {
      endpoint(t, "https://10.1.2.3/h", "key.created"); // allowed with webhooks.allow_private: true
    }
  }

  @Test
  void endpointThatNeverAnswers_doesNotHoldBackTheDeliveriesOfAnother() throws Exception {
    // a listening socket that is never accepted: connections open, requests are sent, nothing ever answers
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        WebhookReceiver receiver = new WebhookReceiver(0); RunningTollgate t = start(WEBHOOKS)) {
      endpoint(t, "http://127.0.0.1:" + silent.getLocalPort() + "/h", "customer.created");
      endpoint(t, receiver.url(), "customer.created", "customer.suspended");
      assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":\"waiting\"}").status()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(5)).until(() -> receiver.ofType("customer.created").size() == 1);

      // the silent endpoint's attempt of customer.created now waits for its 10 s timeout
      assertThat(t.admin("PATCH", "/admin/customers/waiting", "{\"active\":false}").status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(4)).until(() -> receiver.ofType("customer.suspended").size() == 1);
    }
  }

  @Test
  void webhookEndpoint_patchAndDelete_andManualRetry() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(0); RunningTollgate t = start(WEBHOOKS)) {
      String id = endpoint(t, receiver.url(), "key.created").get("id").asText();
      Answer off = t.admin("PATCH", "/admin/webhooks/" + id, "{\"enabled\":false,\"description\":null}");
      assertThat(off.status()).as(off.text()).isEqualTo(200);
      assertThat(off.json().get("enabled").asBoolean()).isFalse();
      assertThat(off.json().get("description").isNull()).isTrue();
      Answer test = t.admin("POST", "/admin/webhooks/" + id + "/test");
      String deliveryId = test.json().get("id").asText();
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> receiver.received.isEmpty());
      t.admin("PATCH", "/admin/webhooks/" + id, "{\"enabled\":true}");
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.ofType("webhook.test").size() == 1);
      Answer retried = t.admin("POST", "/admin/webhooks/" + id + "/deliveries/" + deliveryId + "/retry");
      assertThat(retried.status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.ofType("webhook.test").size() == 2);
      assertThat(receiver.received.get(1).header("webhook-id")).isEqualTo(receiver.received.get(0).header("webhook-id"));
      assertThat(t.admin("DELETE", "/admin/webhooks/" + id).status()).isEqualTo(204);
      assertThat(t.admin("GET", "/admin/webhooks/" + id).status()).isEqualTo(404);
      assertThat(t.admin("GET", "/admin/audit").text()).contains("webhook.create", "webhook.update", "webhook.delete");
    }
  }

  static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new AssertionError(body, e);
    }
  }
}
