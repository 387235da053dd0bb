package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.limits.Units;
import io.tollgate.metering.SpillFiles;
import io.tollgate.metering.UsageBatch;
import io.tollgate.metering.UsageBatch.UsageRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that could not reach its store leaves its usage in the spill file (a {@code kill -9}, or a stop, during
 * the outage); the next start on the data directory replays it. The quota counters are seeded from the store at
 * start, so usage the replay brings in after that must still count against the quota, or the restart hands the
 * customer back what it was billed.
 */
final class SpilledUsageQuotaTest {
  @TempDir Path dir;

  @Test
  void restart_replayingTheSpillAnEarlierProcessLeft_countsItsUsageAndTakeBacksAgainstTheQuota() throws Exception {
    try (TestEngine engine = new TestEngine()) {
      Path config = dir.resolve("tollgate.yaml");
      Files.writeString(config, "gate:\n  engine: " + engine.url() + "\n");
      Map<String, String> env = Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);
      Path data = dir.resolve("data");
      String key;
      try (RunningTollgate first = RunningTollgate.start(data, env, Optional.of(config))) {
        Answer created = first.admin("POST", "/admin/customers", "{\"customer_id\":\"spilled\","
            + "\"limits\":{\"quota\":{\"units\":11,\"period\":\"month\"}}}");
        assertThat(created.status()).isEqualTo(201);
        key = created.json().get("api_key").get("key").asText();
        assertThat(first.admin("POST", "/admin/customers", "{\"customer_id\":\"busy\"}").status()).isEqualTo(201);
      }
      // what the earlier process left: its batches, in order, none of them in the store; another customer's first,
      // as a long outage leaves many, then 12 units of "spilled" and a take-back of 2 of them (an engine cut)
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      List<UsageBatch> spilled = new ArrayList<>();
      for (int i = 1; i <= 50; i++) {
        spilled.add(new UsageBatch("earlier-node:" + i,
            List.of(new UsageRow("busy", "key_busy", "get", today, Units.of(1), 1)), List.of()));
      }
      spilled.add(new UsageBatch("earlier-node:51",
          List.of(new UsageRow("spilled", "key_spilled", "put", today, Units.of(12), 12)), List.of()));
      spilled.add(new UsageBatch("earlier-node:52", List.of(),
          List.of(new UsageRow("spilled", "key_spilled", "put", today, Units.of(2), 2)), List.of()));
      SpillFiles.write(data.resolve("spill"), spilled);

      try (RunningTollgate second = RunningTollgate.start(data, env, Optional.of(config))) {
        await().atMost(Duration.ofSeconds(60)).until(() -> second.admin("GET", "/admin/customers/spilled/usage")
            .json().get("requests").asLong() == 10);
        assertThat(second.admin("GET", "/admin/customers/spilled/usage").json().get("units_used").asDouble())
            .isEqualTo(10.0);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + key);
        // 10 of 11 units used: two gets of 0.5 fit, the third does not
        assertThat(second.send("GET", second.gateUri("/v1/default/items/a"), null, auth).status()).isEqualTo(200);
        assertThat(second.send("GET", second.gateUri("/v1/default/items/b"), null, auth).status()).isEqualTo(200);
        Answer over = second.send("GET", second.gateUri("/v1/default/items/c"), null, auth);
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.json().get("code").asText()).isEqualTo("quota_exceeded");
        assertThat(engine.seen).noneMatch(s -> s.uri().equals("/v1/default/items/c"));
      }
    }
  }

  /**
   * The spill of an earlier process holds usage of a customer that was purged since and created again with the same
   * id: the store drops those rows (their key was purged), and the quota counters of the new creation must not
   * count them either, or it is refused for usage that was never its own.
   */
  @Test
  void restart_replayingUsageOfAPurgedCreation_leavesTheQuotaOfTheCustomerCreatedAgainAlone() throws Exception {
    try (TestEngine engine = new TestEngine()) {
      Path config = dir.resolve("tollgate.yaml");
      Files.writeString(config, "gate:\n  engine: " + engine.url() + "\n"
          + "retention:\n  deactivated_days: 0\n  purge_interval_s: 1\n");
      Map<String, String> env = Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);
      Path data = dir.resolve("data");
      String body = "{\"customer_id\":\"phoenix\",\"limits\":{\"quota\":{\"units\":2,\"period\":\"month\"}}}";
      String oldKeyId;
      String key;
      try (RunningTollgate first = RunningTollgate.start(data, env, Optional.of(config))) {
        oldKeyId = first.admin("POST", "/admin/customers", body).json().get("api_key").get("key_id").asText();
        assertThat(first.admin("DELETE", "/admin/customers/phoenix").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
            .until(() -> first.admin("GET", "/admin/customers/phoenix").status() == 404);
        key = first.admin("POST", "/admin/customers", body).json().get("api_key").get("key").asText();
      }
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      SpillFiles.write(data.resolve("spill"), List.of(new UsageBatch("earlier-node:1",
          List.of(new UsageRow("phoenix", oldKeyId, "put", today, Units.of(5), 5)), List.of())));

      try (RunningTollgate second = RunningTollgate.start(data, env, Optional.of(config))) {
        await().atMost(Duration.ofSeconds(60))
            .until(() -> !Files.exists(data.resolve("spill").resolve("usage-spill.log")));
        assertThat(second.admin("GET", "/admin/customers/phoenix/usage").json().get("requests").asLong()).isZero();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + key);
        assertThat(second.send("GET", second.gateUri("/v1/default/serve/a"), null, auth).status()).isEqualTo(200);
        assertThat(second.send("GET", second.gateUri("/v1/default/serve/b"), null, auth).status()).isEqualTo(200);
        assertThat(second.send("GET", second.gateUri("/v1/default/serve/c"), null, auth).status()).isEqualTo(429);
      }
    }
  }
}
