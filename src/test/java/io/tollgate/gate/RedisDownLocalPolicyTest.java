package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limits.on_redis_down: local} on two real nodes sharing one PostgreSQL and one private Redis: with Redis
 * killed mid-load each node enforces its half of what was left of the quota, bills everything it admits, says so in
 * {@code /health} and its metrics, and rejoins the shared counters, with those units counted, when Redis is back.
 */
final class RedisDownLocalPolicyTest {
  @TempDir static Path dir;
  private static TwoNodes nodes;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    nodes = TwoNodes.start(dir, "  on_redis_down: local\n");
  }

  @AfterAll
  static void stop() throws Exception {
    nodes.close();
  }

  /** {@code GET /v1/{namespace}/items/{id}} costs 0.5 units: 100 units are 200 requests. */
  @Test
  void redisKilledMidLoad_eachNodeAdmitsItsShareOfWhatWasLeft_billsIt_andRejoinsWithItCounted() throws Exception {
    String key = nodes.customer("down-local", "{\"quota\":{\"units\":100,\"period\":\"month\"},"
        + "\"rate_limit\":{\"requests\":100000,\"window_s\":1,\"burst\":100000}}");
    await().atMost(Duration.ofSeconds(10)).until(() -> TwoNodes.metric(nodes.a, "tollgate_limits_redis_live_nodes") == 2
        && TwoNodes.metric(nodes.b, "tollgate_limits_redis_live_nodes") == 2);
    assertThat(TwoNodes.histogram(nodes.hammer(key, 40))).isEqualTo(Map.of(200, 40L));
    nodes.a.awaitUsage("down-local", u -> u.path("units_used").asDouble() == 20);

    nodes.redis.stop();
    List<Integer> during;
    try {
      during = nodes.hammer(key, 400);
      for (GateFixture node : List.of(nodes.a, nodes.b)) {
        var health = node.gate("GET", "/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("degraded");
        assertThat(health.json().path("limits").asText()).isEqualTo("local");
        assertThat(TwoNodes.metric(node, "tollgate_limits_local_decisions_total")).isPositive();
      }
    } finally {
      nodes.redis.restart();
    }
    System.out.printf("Redis down, 80 of 100 units left, two nodes: %s%n", TwoNodes.histogram(during));
    long admitted = TwoNodes.histogram(during).getOrDefault(200, 0L);
    assertThat(TwoNodes.histogram(during).keySet()).containsOnly(200, 429);
    // each node admits its half of the 80 units left (80 requests), plus at most what it held leased when Redis went:
    // a lease is at most quota / 50 (4 requests), and the next one is added when a quarter of it is left (1 more);
    // a node that reads the store after the other billed some has a smaller half
    assertThat(admitted).isBetween(144L, 160L + 2 * (4 + 1));
    nodes.a.awaitUsage("down-local", u -> u.path("units_used").asDouble() == 20 + admitted / 2.0);

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> nodes.a.gate("GET", "/health", null).json().path("limits").asText().equals("shared")
            && nodes.b.gate("GET", "/health", null).json().path("limits").asText().equals("shared"));
    List<Integer> after = nodes.hammer(key, 20);
    assertThat(TwoNodes.histogram(after)).as("the shared counter holds the 100 units billed").isEqualTo(Map.of(429, 20L));
    assertThat(nodes.a.gate("GET", "/v1/default/items/x", key).json().path("code").asText())
        .isEqualTo("quota_exceeded");
  }
}
