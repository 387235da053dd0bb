package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gate.max_units_per_request} bounds every amount that enters the gate: a verify body asking more is a 400,
 * and an engine reporting more (or something that is no amount) is billed the route's units and counted in
 * {@code tollgate_gate_engine_units_rejected_total}.
 */
final class MaxUnitsPerRequestTest {
  @TempDir static Path dir;
  static GateFixture f;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "  max_units_per_request: 10\n",
        Map.of("TOLLGATE_SERVICE_KEY", VerifyAndAuthorizeTest.SERVICE_KEY));
    key = f.customer("{\"customer_id\":\"max-units\"}");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static Answer verify(String units) {
    return Http.send(f, "POST", "/v1/verify", "{\"key\":\"" + key + "\",\"units\":" + units + ",\"dry_run\":true}",
        Map.of("Authorization", "Bearer " + VerifyAndAuthorizeTest.SERVICE_KEY));
  }

  @Test
  void verify_unitsUpToTheConfiguredMaximum_areValid_beyondIs400() {
    assertThat(verify("10").json().get("valid").asBoolean()).isTrue();
    assertThat(verify("9.999").json().get("valid").asBoolean()).isTrue();
    for (String beyond : new String[] {"10.001", "11", "1e2"}) {
      Answer a = verify(beyond);
      assertThat(a.status()).as(beyond).isEqualTo(400);
      assertThat(a.json().get("detail").asText()).isEqualTo(
          "units must be a number from 0 to 10 with at most three decimals");
    }
  }

  @Test
  void engineReportedUnits_beyondTheMaximumOrMalformed_billTheRoutesUnits_andAreCounted() {
    double rejectedBefore = rejected();
    double usedBefore = f.usage("max-units").get("units_used").asDouble();
    long requestsBefore = f.usage("max-units").get("requests").asLong();
    for (String reported : new String[] {"10", "10.001", "9223372036854775.807", "abc", "1.0001"}) {
      assertThat(f.gate("POST", "/v1/default/serve/units/" + reported, key, "{}", Map.of()).status()).isEqualTo(200);
    }
    // 10 as reported, then the route's 1 unit for each of the four that break the rule
    await().until(() -> f.usage("max-units").get("requests").asLong() == requestsBefore + 5);
    assertThat(f.usage("max-units").get("units_used").asDouble()).isEqualTo(usedBefore + 14);
    await().until(() -> rejected() == rejectedBefore + 4);
  }

  private static double rejected() {
    Answer a = f.tollgate.send("GET", f.tollgate.adminUri("/metrics"), null, Map.of());
    return Scrape.parse(a.text()).value("tollgate_gate_engine_units_rejected_total");
  }
}
