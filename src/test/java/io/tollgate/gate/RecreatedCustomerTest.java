package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.admin.RunningTollgate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A customer that spent its rate limit and quota, was deactivated, purged and created again with the same id starts
 * afresh: it inherits no counter of the old one, neither those counted in memory nor those seeded from the store at
 * start. Through the Admin API and the gate over HTTP, with a purge that runs every second.
 */
final class RecreatedCustomerTest {
  private static final String RETENTION = "retention:\n  deactivated_days: 0\n  purge_interval_s: 1\n";
  /** Two units a month and two requests a minute: the third request of a minute is refused. */
  private static final String BODY = "{\"customer_id\":\"%s\",\"limits\":{\"quota\":{\"units\":2,\"period\":\"month\"},"
      + "\"rate_limit\":{\"requests\":2,\"window_s\":60}}}";
  private static final String SERVE = "/v1/default/serve/x"; // one unit
  @TempDir Path dir;

  @Test
  void recreatedAfterPurge_spentRateAndQuota_startsAfresh() throws Exception {
    try (GateFixture f = GateFixture.start(dir, RETENTION, Map.of())) {
      String old = spend(f, "reborn");
      assertThat(f.gate("GET", SERVE, old).status()).isEqualTo(429);
      purge(f.tollgate, "reborn");
      String fresh = f.customer(BODY.formatted("reborn"));
      assertThat(f.gate("GET", SERVE, fresh).status()).isEqualTo(200);
      assertThat(f.gate("GET", SERVE, fresh).status()).isEqualTo(200);
      assertThat(f.gate("GET", SERVE, fresh).status()).isEqualTo(429);
      await().until(() -> f.usage("reborn").get("units_used").asDouble() == 2.0);
    }
  }

  @Test
  void recreatedAfterPurge_whenItsOldUsageSeededTheLedgerAtStart_startsAfresh() throws Exception {
    TestEngine engine = new TestEngine();
    Path config = dir.resolve("tollgate.yaml");
    Files.writeString(config, "gate:\n  engine: " + engine.url() + "\n" + RETENTION);
    Map<String, String> env = Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);
    try (engine) {
      try (RunningTollgate first = RunningTollgate.start(dir.resolve("data"), env, Optional.of(config))) {
        String key = first.admin("POST", "/admin/customers", BODY.formatted("seeded")).json().get("api_key")
            .get("key").asText();
        for (int i = 0; i < 2; i++) {
          assertThat(gate(first, key).status()).isEqualTo(200);
        }
        await().until(() -> first.admin("GET", "/admin/customers/seeded/usage").json().get("units_used")
            .asDouble() == 2.0);
      }
      try (RunningTollgate second = RunningTollgate.start(dir.resolve("data"), env, Optional.of(config))) {
        purge(second, "seeded");
        String key = second.admin("POST", "/admin/customers", BODY.formatted("seeded")).json().get("api_key")
            .get("key").asText();
        assertThat(gate(second, key).status()).isEqualTo(200);
        assertThat(gate(second, key).status()).isEqualTo(200);
        assertThat(gate(second, key).status()).isEqualTo(429);
      }
    }
  }

  /**
   * A request admitted before its customer was deactivated and answered only after the purge is billed to that
   * creation, which the purge removed with its usage: it must not show up as usage of a customer created again with
   * the same id (its usage document, and so its quota after a restart) nor as a row of the billing export that
   * {@code GET /admin/usage} does not have.
   */
  @Test
  void requestAnsweredAfterThePurge_isNotBilledToTheCustomerCreatedAgain() throws Exception {
    try (GateFixture f = GateFixture.start(dir, RETENTION, Map.of())) {
      String old = f.customer(BODY.formatted("late"));
      java.util.concurrent.CompletableFuture<RunningTollgate.Answer> slow = java.util.concurrent.CompletableFuture
          .supplyAsync(() -> f.gate("GET", "/v1/default/serve/slow/4000", old));
      await().until(() -> !f.engine.started.isEmpty());
      purge(f.tollgate, "late");
      String fresh = f.customer(BODY.formatted("late"));
      assertThat(slow.get().status()).isEqualTo(200); // answered after the purge: billed to the purged creation
      String marker = f.customer("{\"customer_id\":\"late-marker\"}");
      assertThat(f.gate("GET", SERVE, marker).status()).isEqualTo(200); // recorded after the slow request's usage
      f.awaitUsage("late-marker", u -> u.get("requests").asLong() == 1);
      assertThat(f.usage("late").get("requests").asLong()).isZero();
      assertThat(f.tollgate.admin("GET", "/admin/usage/export?format=csv").text()).doesNotContain("\r\nlate,");
      assertThat(f.gate("GET", SERVE, fresh).status()).isEqualTo(200);
      f.awaitUsage("late", u -> u.get("requests").asLong() == 1);
    }
  }

  /** Creates the customer and spends its two units (and its two requests), waiting until the usage is stored. */
  private static String spend(GateFixture f, String id) {
    String key = f.customer(BODY.formatted(id));
    assertThat(f.gate("GET", SERVE, key).status()).isEqualTo(200);
    assertThat(f.gate("GET", SERVE, key).status()).isEqualTo(200);
    await().until(() -> f.usage(id).get("units_used").asDouble() == 2.0);
    return key;
  }

  /** Deactivates the customer and waits until the retention purge has removed it. */
  private static void purge(RunningTollgate t, String id) {
    assertThat(t.admin("DELETE", "/admin/customers/" + id).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> t.admin("GET", "/admin/customers/" + id).status() == 404);
  }

  private static RunningTollgate.Answer gate(RunningTollgate t, String key) {
    return t.send("GET", t.gateUri(SERVE), null, Map.of("Authorization", "Bearer " + key));
  }
}
