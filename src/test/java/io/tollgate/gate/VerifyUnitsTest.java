package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Units entering {@code POST /v1/verify} are amounts the ledger can hold: finite, not negative, at most three
 * decimals, at most {@code gate.max_units_per_request}. Anything else is a 400 problem that changes nothing, and the
 * customer's next request gets its normal answer at once.
 */
final class VerifyUnitsTest {
  @TempDir static Path dir;
  static GateFixture f;
  private static final AtomicInteger IDS = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "", Map.of("TOLLGATE_SERVICE_KEY", VerifyAndAuthorizeTest.SERVICE_KEY));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static Answer verify(String json) {
    return Http.send(f, "POST", "/v1/verify", json,
        Map.of("Authorization", "Bearer " + VerifyAndAuthorizeTest.SERVICE_KEY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775", "4611686018427387.904", "9223372036854775.807", "1000000.001",
      "1e400", "-1e400", "1e-400", "-1", "-0.001", "0.0001", "1.0000000000000001", "\"5\"", "NaN", "Infinity",
      "true", "[1]", "{}"})
  void verify_unitsThatAreNoAmountOrTooLarge_is400_andTheCustomersNextRequestIsAnsweredNormally(String units) {
    String id = "units-" + IDS.incrementAndGet();
    String key = f.customer("{\"customer_id\":\"" + id + "\"}");
    assertThat(verify("{\"key\":\"" + key + "\",\"units\":1.5}").json().get("valid").asBoolean()).isTrue();
    Answer bad = verify("{\"key\":\"" + key + "\",\"units\":" + units + "}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(bad.json().get("code").asText()).isEqualTo("bad_request");

    Answer next = verify("{\"key\":\"" + key + "\",\"units\":1.5}");
    assertThat(next.status()).isEqualTo(200);
    JsonNode v = next.json();
    assertThat(v.get("valid").asBoolean()).isTrue();
    assertThat(v.get("quota").get("used").decimalValue()).isEqualByComparingTo("3");
    await().until(() -> f.usage(id).get("units_used").asDouble() == 3.0);
    assertThat(f.usage(id).get("requests").asLong()).isEqualTo(2);
  }

  @Test
  void verify_largestAllowedUnits_isBilled() {
    String key = f.customer("{\"customer_id\":\"units-max\",\"tier\":\"custom\","
        + "\"limits\":{\"quota\":{\"units\":5000000,\"period\":\"month\"}}}");
    Answer ok = verify("{\"key\":\"" + key + "\",\"units\":1000000.000}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("valid").asBoolean()).isTrue();
    await().until(() -> f.usage("units-max").get("units_used").asDouble() == 1_000_000.0);
  }
}
