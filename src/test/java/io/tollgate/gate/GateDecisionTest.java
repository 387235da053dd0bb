package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every check of the decision, in the contract's order, through the proxy with a real engine. */
final class GateDecisionTest {
  @TempDir static Path dir;
  static GateFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "", Map.of());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static String body(Answer a) {
    return a.text().replaceAll("\"request_id\":\"[^\"]*\"", "");
  }

  @Test
  void allowed_reachesEngineWithIdentity_withoutTheKey_andAnswersWithRateLimitHeaders() {
    String key = f.customer("{\"customer_id\":\"allowed-1\",\"tier\":\"growth\"}");
    Answer a = f.gate("PUT", "/v1/default/items/a1", key, "hello", Map.of("X-Request-Id", "req-1"));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("X-Request-Id")).isEqualTo("req-1");
    assertThat(a.header("RateLimit-Policy")).contains("\"rate\";q=100;w=1").contains("\"quota\";q=10000000");
    assertThat(a.header("RateLimit")).contains("\"rate\";r=99").contains("\"quota\";r=9999999");
    TestEngine.Seen seen = f.engine.seen.get(f.engine.seen.size() - 1);
    assertThat(seen.uri()).isEqualTo("/v1/default/items/a1");
    assertThat(seen.header("X-Tollgate-Customer")).isEqualTo("allowed-1");
    assertThat(seen.header("X-Tollgate-Key-Id")).startsWith("key_");
    assertThat(seen.header("X-Tollgate-Tier")).isEqualTo("growth");
    assertThat(seen.header("X-Tollgate-Namespace")).isEqualTo("default");
    assertThat(seen.header("X-Tollgate-Operation")).isEqualTo("put");
    assertThat(seen.header("X-Request-Id")).isEqualTo("req-1");
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(seen.header("Authorization")).isNull();
    assertThat(seen.headers().toString()).doesNotContain(key);
  }

  @Test
  void keyUse_setsLastUsedAt_withinTheFlushInterval() throws Exception {
    String key = f.customer("{\"customer_id\":\"lastused-1\"}");
    JsonNode before = f.tollgate.admin("GET", "/admin/customers/lastused-1/keys").json().get("keys").get(0);
    assertThat(before.get("last_used_at").isNull()).isTrue();
    assertThat(f.gate("GET", "/v1/default/items/x", key).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(12)).until(() -> !f.tollgate.admin("GET", "/admin/customers/lastused-1/keys")
        .json().get("keys").get(0).get("last_used_at").isNull());
  }

  @Test
  void noRoute_is404_andNeverReachesTheEngine() {
    String key = f.customer("{\"customer_id\":\"noroute-1\"}");
    int before = f.engine.seen.size();
    Answer a = f.gate("GET", "/v2/other", key);
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json().get("code").asText()).isEqualTo("route_not_found");
    assertThat(a.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(f.engine.seen).hasSize(before);
  }

  @Test
  void everyBadKey_getsTheSame401_andNoKeyOnlyDiffersInTheChallenge() {
    String good = f.customer("{\"customer_id\":\"keys-1\"}");
    String revoked = f.customer("{\"customer_id\":\"keys-2\"}");
    String revokedId = f.tollgate.admin("GET", "/admin/customers/keys-2/keys").json().get("keys").get(0)
        .get("key_id").asText();
    f.tollgate.admin("DELETE", "/admin/customers/keys-2/keys/" + revokedId);
    String deactivated = f.customer("{\"customer_id\":\"keys-3\"}");
    f.tollgate.admin("DELETE", "/admin/customers/keys-3");
    String expired = f.tollgate.admin("POST", "/admin/customers/keys-1/keys",
        "{\"expires_at\":\"" + Instant.now().plusMillis(1500) + "\"}").json().get("key").asText();
    await().atMost(Duration.ofSeconds(5)).until(() -> f.gate("GET", "/v1/default/items/x", expired).status() == 401);
    String unknown = new ApiKeyFormat("tg").newKey(KeyEnvironment.LIVE);
    String typo = good.substring(0, good.length() - 1) + (good.endsWith("a") ? "b" : "a");

    Answer reference = f.gate("GET", "/v1/default/items/x", unknown);
    assertThat(reference.status()).isEqualTo(401);
    assertThat(reference.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"tollgate\", error=\"invalid_token\"");
    for (String bad : List.of("garbage", typo, revoked, deactivated, expired)) {
      Answer a = f.gate("GET", "/v1/default/items/x", bad);
      assertThat(a.status()).as(bad).isEqualTo(401);
      assertThat(body(a)).as(bad).isEqualTo(body(reference));
      assertThat(a.header("WWW-Authenticate")).isEqualTo(reference.header("WWW-Authenticate"));
    }
    Answer none = f.gate("GET", "/v1/default/items/x", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(body(none)).isEqualTo(body(reference));
    assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"tollgate\"");
    Answer both = f.gate("GET", "/v1/default/items/x", good, null, Map.of("x-api-key", revoked));
    assertThat(both.status()).isEqualTo(401);
    assertThat(f.gate("GET", "/v1/default/items/x", null, null, Map.of("x-api-key", good)).status()).isEqualTo(200);
    assertThat(f.gate("GET", "/v1/default/items/x", null, null, Map.of("Authorization", "bEaReR " + good)).status())
        .isEqualTo(200);
  }

  @Test
  void suspendedCustomer_is403_untilEnabled_onTheNextRequest() {
    String key = f.customer("{\"customer_id\":\"suspend-1\"}");
    assertThat(f.gate("GET", "/v1/default/items/x", key).status()).isEqualTo(200);
    f.tollgate.admin("PATCH", "/admin/customers/suspend-1", "{\"active\":false}");
    Answer a = f.gate("GET", "/v1/default/items/x", key);
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.json().get("code").asText()).isEqualTo("customer_suspended");
    f.tollgate.admin("PATCH", "/admin/customers/suspend-1", "{\"active\":true}");
    assertThat(f.gate("GET", "/v1/default/items/x", key).status()).isEqualTo(200);
  }

  @Test
  void namespace_deniedUnlessGrantedToCustomerAndKey_withdrawalIsImmediate() {
    String key = f.customer("{\"customer_id\":\"ns-1\",\"namespaces\":[\"default\",\"staging\"]}");
    assertThat(f.gate("GET", "/v1/staging/items/x", key).status()).isEqualTo(200);
    Answer denied = f.gate("GET", "/v1/prod/items/x", key);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().get("code").asText()).isEqualTo("namespace_denied");
    String scoped = f.tollgate.admin("POST", "/admin/customers/ns-1/keys", "{\"namespaces\":[\"staging\"]}")
        .json().get("key").asText();
    assertThat(f.gate("GET", "/v1/staging/items/x", scoped).status()).isEqualTo(200);
    assertThat(f.gate("GET", "/v1/default/items/x", scoped).status()).isEqualTo(403);
    f.tollgate.admin("DELETE", "/admin/customers/ns-1/namespaces/staging");
    assertThat(f.gate("GET", "/v1/staging/items/x", key).status()).isEqualTo(403);
    assertThat(f.gate("GET", "/v1/staging/items/x", scoped).status()).isEqualTo(403);
  }

  @Test
  void revocation_isEffectiveOnTheNextRequest_otherKeysUntouched() {
    String first = f.customer("{\"customer_id\":\"revoke-1\"}");
    JsonNode second = f.tollgate.admin("POST", "/admin/customers/revoke-1/keys", "{}").json();
    assertThat(f.gate("GET", "/v1/default/items/x", first).status()).isEqualTo(200);
    f.tollgate.admin("DELETE", "/admin/customers/revoke-1/keys/" + second.get("key_id").asText());
    assertThat(f.gate("GET", "/v1/default/items/x", second.get("key").asText()).status()).isEqualTo(401);
    assertThat(f.gate("GET", "/v1/default/items/x", first).status()).isEqualTo(200);
  }

  @Test
  void rateLimit_sharedByAllKeys_refusesWith429AndRetryAfter() {
    String key = f.customer("{\"customer_id\":\"rate-1\",\"limits\":{\"rate_limit\":{\"requests\":3,\"window_s\":60}}}");
    String other = f.tollgate.admin("POST", "/admin/customers/rate-1/keys", "{}").json().get("key").asText();
    assertThat(f.gate("GET", "/v1/default/items/x", key).status()).isEqualTo(200);
    assertThat(f.gate("GET", "/v1/default/items/x", other).status()).isEqualTo(200);
    assertThat(f.gate("GET", "/v1/default/items/x", key).status()).isEqualTo(200);
    Answer refused = f.gate("GET", "/v1/default/items/x", other);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().get("code").asText()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 20L);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        f.usage("rate-1").get("rejected").get("rate_limited").asLong() == 1);
  }

  @Test
  void quotaExceeded_doesNotSpendARateToken() {
    String key = f.customer("{\"customer_id\":\"quota-rate-1\",\"limits\":{\"quota\":{\"units\":1,"
        + "\"period\":\"month\"},\"rate_limit\":{\"requests\":3,\"window_s\":3600,\"burst\":3}}}");
    assertThat(f.gate("PUT", "/v1/default/items/a", key, "x", Map.of()).status()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      Answer refused = f.gate("PUT", "/v1/default/items/a", key, "x", Map.of());
      assertThat(refused.json().get("code").asText()).isEqualTo("quota_exceeded");
    }
    f.tollgate.admin("PATCH", "/admin/customers/quota-rate-1", "{\"limits\":{\"quota\":{\"units\":100,"
        + "\"period\":\"month\"},\"rate_limit\":{\"requests\":3,\"window_s\":3600,\"burst\":3}}}");
    // three quota refusals took no token: two of the three are left
    assertThat(f.gate("PUT", "/v1/default/items/a", key, "x", Map.of()).status()).isEqualTo(200);
    assertThat(f.gate("PUT", "/v1/default/items/a", key, "x", Map.of()).status()).isEqualTo(200);
    assertThat(f.gate("PUT", "/v1/default/items/a", key, "x", Map.of()).json().get("code").asText())
        .isEqualTo("rate_limited");
  }

  @Test
  void quota_tenUnits_admitsExactlyTenOneUnitRequests_thenQuotaExceededUntilPeriodEnd() {
    String key = f.customer("{\"customer_id\":\"quota-1\",\"limits\":{\"quota\":{\"units\":10,\"period\":\"month\"}}}");
    int allowed = 0;
    Answer last = null;
    for (int i = 0; i < 15; i++) {
      last = f.gate("PUT", "/v1/default/items/q" + i, key, "x", Map.of());
      if (last.status() == 200) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(10);
    assertThat(last.status()).isEqualTo(429);
    assertThat(last.json().get("code").asText()).isEqualTo("quota_exceeded");
    assertThat(Long.parseLong(last.header("Retry-After"))).isGreaterThan(0).isLessThanOrEqualTo(31L * 86400);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      JsonNode u = f.usage("quota-1");
      assertThat(u.get("units_used").asDouble()).isEqualTo(10.0);
      assertThat(u.get("requests").asLong()).isEqualTo(10);
      assertThat(u.get("rejected").get("quota_exceeded").asLong()).isEqualTo(5);
    });
  }

  @Test
  void tierChange_appliesNewLimitsAtOnce_andKeepsTheUsage() {
    String key = f.customer("{\"customer_id\":\"tier-1\",\"tier\":\"starter\",\"limits\":{\"quota\":{\"units\":2}}}");
    assertThat(f.gate("PUT", "/v1/default/items/t1", key, "x", Map.of()).status()).isEqualTo(200);
    assertThat(f.gate("PUT", "/v1/default/items/t2", key, "x", Map.of()).status()).isEqualTo(200);
    assertThat(f.gate("PUT", "/v1/default/items/t3", key, "x", Map.of()).status()).isEqualTo(429);
    f.tollgate.admin("PATCH", "/admin/customers/tier-1", "{\"tier\":\"growth\",\"limits\":{\"quota\":{\"units\":3}}}");
    Answer a = f.gate("PUT", "/v1/default/items/t3", key, "x", Map.of());
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("RateLimit-Policy")).contains("\"rate\";q=100");
    assertThat(f.gate("PUT", "/v1/default/items/t4", key, "x", Map.of()).status()).isEqualTo(429);
  }
}
