package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.store.PostgresTestDatabase;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code operation} of {@code POST /v1/verify} is stored in every usage row and written into the billing export:
 * it must be an operation name as routes have them ({@code ^[a-z][a-z0-9_]{0,62}$}). Any other text used to be
 * billed as it came: on PostgreSQL a NUL (or a name too long for the usage table's index) made the whole batch of
 * every customer fail for good, and a name such as {@code =HYPERLINK(…)} reached the CSV export as a formula.
 */
final class VerifyOperationTest {
  private static final String SERVICE_KEY = "service-key-for-tests-0123456789";
  @TempDir static Path dir;
  static PostgresTestDatabase pg;
  static GateFixture f;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresTestDatabase.create();
    f = GateFixture.start(dir, "", Map.of("TOLLGATE_SERVICE_KEY", SERVICE_KEY, "TOLLGATE_STORE_URL", pg.url()));
  }

  @AfterAll
  static void stop() {
    if (f != null) {
      f.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static Answer verify(String json) {
    return f.tollgate.send("POST", f.tollgate.gateUri("/v1/verify"), json,
        Map.of("Authorization", "Bearer " + SERVICE_KEY));
  }

  @Test
  void verify_operationWithNul_is400_andOtherCustomersUsageIsStillBilled() {
    refusedWhileAnotherCustomerIsBilled("op-nul", "op-fine", "get\\u0000x");
  }

  @Test
  void verify_operationTooLongForTheUsageIndex_is400_andOtherCustomersUsageIsStillBilled() {
    refusedWhileAnotherCustomerIsBilled("op-long", "op-short", incompressible(9000));
  }

  /**
   * A verification of customer {@code badId} with {@code operation} (JSON text) is a 400 that bills nothing, and the
   * usage of customer {@code goodId}, verified just after it, reaches the store (it is in the same batch).
   */
  private static void refusedWhileAnotherCustomerIsBilled(String badId, String goodId, String operation) {
    String bad = f.customer("{\"customer_id\":\"" + badId + "\"}");
    String good = f.customer("{\"customer_id\":\"" + goodId + "\"}");
    Answer refused = verify("{\"key\":\"" + bad + "\",\"operation\":\"" + operation + "\"}");
    Answer billed = verify("{\"key\":\"" + good + "\",\"operation\":\"validate\"}");
    assertThat(billed.json().get("valid").asBoolean()).isTrue();
    f.awaitUsage(goodId, u -> u.get("requests").asLong() == 1);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("code").asText()).isEqualTo("bad_request");
    assertThat(f.usage(badId).get("requests").asLong()).isZero();
  }

  /** Letters that PostgreSQL cannot compress below the size one index row may have (8191 bytes). */
  private static String incompressible(int length) {
    java.util.Random random = new java.util.Random(42);
    StringBuilder out = new StringBuilder("q");
    while (out.length() < length) {
      out.append((char) ('a' + random.nextInt(26)));
    }
    return out.toString();
  }

  @Test
  void verify_formulaAsOperation_is400_andNeverReachesTheCsvExport() {
    String key = f.customer("{\"customer_id\":\"op-formula\"}");
    Answer refused = verify("{\"key\":\"" + key + "\",\"operation\":\"=HYPERLINK(\\\"http://evil\\\")\"}");
    Answer billed = verify("{\"key\":\"" + key + "\",\"operation\":\"search_v2\"}");
    assertThat(billed.json().get("valid").asBoolean()).isTrue();
    f.awaitUsage("op-formula", u -> u.get("requests").asLong() == 1);
    assertThat(refused.status()).isEqualTo(400);
    String csv = f.tollgate.admin("GET", "/admin/usage/export?format=csv").text();
    assertThat(csv).contains("op-formula,").doesNotContain("HYPERLINK");
  }
}
