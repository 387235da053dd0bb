package io.tollgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of the harness of {@code bench/unauthorized-uniformity.sh} against a real server, so that the
 * benchmark keeps working: its answer check, not its timing (the timing is the script's, on a quiet machine).
 */
final class UnauthorizedUniformityTest {
  private static final String PATH = "/v1/default/serve/x";
  @TempDir static Path dir;
  static RunningTollgate tollgate;
  static Map<String, String> refused = new LinkedHashMap<>();
  static String suspended;

  @BeforeAll
  static void start() {
    tollgate = RunningTollgate.start(dir.resolve("data"));
    String good = created("POST", "/admin/customers", "{\"customer_id\":\"u1\"}").get("api_key").get("key").asText();
    JsonNode revoked = created("POST", "/admin/customers/u1/keys", "{}");
    tollgate.admin("DELETE", "/admin/customers/u1/keys/" + revoked.get("key_id").asText());
    String expired = created("POST", "/admin/customers/u1/keys",
        "{\"expires_at\":\"" + Instant.now().plusMillis(1500) + "\"}").get("key").asText();
    String deactivated = created("POST", "/admin/customers", "{\"customer_id\":\"u2\"}").get("api_key").get("key")
        .asText();
    tollgate.admin("DELETE", "/admin/customers/u2");
    suspended = created("POST", "/admin/customers", "{\"customer_id\":\"u3\"}").get("api_key").get("key")
        .asText();
    tollgate.admin("PATCH", "/admin/customers/u3", "{\"active\":false}");
    refused.put("malformed", good.substring(0, good.length() - 1) + (good.endsWith("a") ? "b" : "a"));
    refused.put("unknown", new ApiKeyFormat("tg").newKey(KeyEnvironment.LIVE)); // valid checksum, never issued
    refused.put("revoked", revoked.get("key").asText());
    refused.put("expired", expired);
    refused.put("deactivated", deactivated);
    await().atMost(Duration.ofSeconds(5)).until(() -> tollgate.send("GET", tollgate.gateUri(PATH), null,
        Map.of("Authorization", "Bearer " + expired)).status() == 401);
  }

  private static JsonNode created(String method, String path, String json) {
    RunningTollgate.Answer a = tollgate.admin(method, path, json);
    assertThat(a.status()).as(a.text()).isEqualTo(201);
    return a.json();
  }

  @AfterAll
  static void stop() {
    tollgate.close();
  }

  @Test
  void everyRefusedKeyClass_getsTheSameAnswer_andIsTimedOnOneKeptAliveConnection() throws Exception {
    UnauthorizedUniformity.Result r = UnauthorizedUniformity.measure(tollgate.server.gatePort(), PATH, refused, 200,
        100);

    assertThat(r.differences()).isEmpty();
    assertThat(r.reconnects()).isZero();
    assertThat(r.classes()).extracting(UnauthorizedUniformity.ClassFigures::name)
        .containsExactly("malformed", "unknown", "revoked", "expired", "deactivated");
    assertThat(r.classes()).allSatisfy(c -> {
      assertThat(c.tries()).isEqualTo(200);
      assertThat(c.medianUs()).isPositive().isLessThanOrEqualTo(c.p90Us());
    });
  }

  @Test
  void aClassThatAnswersDifferently_isReported() throws Exception {
    Map<String, String> keys = new LinkedHashMap<>(refused);
    keys.put("suspended", suspended);

    UnauthorizedUniformity.Result r = UnauthorizedUniformity.measure(tollgate.server.gatePort(), PATH, keys, 20, 0);

    // the reference is the first answer: either the 403 of the suspended customer differs, or every 401 does
    Set<String> differing = r.differences().stream().map(UnauthorizedUniformity.Difference::className)
        .collect(Collectors.toSet());
    assertThat(differing).isIn(Set.of("suspended"), refused.keySet());
    assertThat(r.differences().get(0).answer() + r.differences().get(0).reference()).contains("403");
  }
}
