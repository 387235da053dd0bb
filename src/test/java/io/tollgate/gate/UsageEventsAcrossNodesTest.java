package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events summed from the stored usage ({@code usage.threshold}, {@code sla.at_risk}) when two nodes on one
 * PostgreSQL bill one customer at the same moment: each node's batch transaction sums the period with its own rows
 * and what was committed, so two batches in flight together must not each miss the other's rows and leave a level
 * their sum reaches unreported for good.
 */
final class UsageEventsAcrossNodesTest {
  @TempDir Path dir;

  /**
   * Holds a row lock that every usage batch's transaction waits for after it has summed the period (the prune of
   * {@code applied_batches} deletes a row older than 7 days), so the batches of both nodes are in flight together.
   */
  private static final class BatchesHeld implements AutoCloseable {
    private final Connection c;
    /** Autocommit, for pg_stat_activity: a transaction would read one snapshot of it. */
    private final Connection watcher;

    BatchesHeld(TwoNodes nodes) throws Exception {
      c = DriverManager.getConnection(nodes.pg.url());
      watcher = DriverManager.getConnection(nodes.pg.url());
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO applied_batches (batch_id, node_id, applied_at) VALUES ('held-by-test', 'test', 0)");
      }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT batch_id FROM applied_batches WHERE batch_id = 'held-by-test' FOR UPDATE");
      }
    }

    /** Transactions waiting for a lock: the usage batches held here (or, batch after batch, one another). */
    int waiting() throws Exception {
      try (Statement s = watcher.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity"
          + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
        rs.next();
        return rs.getInt(1);
      }
    }

    void awaitWaiting(int n) {
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> waiting() == n);
    }

    @Override
    public void close() throws Exception {
      c.commit();
      c.close();
      watcher.close();
    }
  }

  /** A second key of {@code customerId}, made through A, once B knows it too (B answers 200 with it). */
  private static String secondKey(TwoNodes nodes, String customerId) {
    String key = nodes.a.tollgate.admin("POST", "/admin/customers/" + customerId + "/keys", "{}").json().get("key")
        .asText();
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
        .until(() -> nodes.b.gate("GET", "/v1/elsewhere/items/x", key).status() == 403);
    return key;
  }

  /** Waits until both nodes have written what the set-up refused (no batch of it is in flight any more). */
  private static void awaitQuiet(TwoNodes nodes, String customerId) {
    String[] last = {""};
    await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(400)).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          String now = nodes.a.usage(customerId).toString();
          boolean same = now.equals(last[0]);
          last[0] = now;
          return same;
        });
  }

  @Test
  void twoNodesBillingOneCustomerAtOnce_reachingAThresholdOnlyTogether_sendItsUsageThresholdOnce() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(0);
        TwoNodes nodes = TwoNodes.start(dir, "", WebhooksTest.WEBHOOKS)) {
      WebhooksTest.endpoint(nodes.a.tollgate, receiver.url(), "usage.threshold");
      // a quota of 1 unit watched at 80 %: one request of 0.5 units on each node (one batch each), 1 together
      String onA = nodes.customer("together", "{\"quota\":{\"units\":1,\"period\":\"month\"},"
          + "\"usage_thresholds\":[80]}");
      String onB = secondKey(nodes, "together");
      awaitQuiet(nodes, "together");
      try (BatchesHeld held = new BatchesHeld(nodes)) {
        assertThat(nodes.a.gate("GET", "/v1/default/items/a", onA).status()).isEqualTo(200);
        held.awaitWaiting(1); // A's batch has summed its 0.5 units and waits
        assertThat(nodes.b.gate("GET", "/v1/default/items/b", onB).status()).isEqualTo(200);
        held.awaitWaiting(2); // and B's: it has summed its own 0.5 units without A's, or it waits for A's
      }
      JsonNode usage = nodes.a.awaitUsage("together", u -> u.get("requests").asLong() == 2);
      assertThat(usage.get("units_used").decimalValue()).isEqualByComparingTo("1");

      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.ofType("usage.threshold").size() == 1);
      JsonNode data = WebhooksTest.read(receiver.ofType("usage.threshold").get(0).body()).get("data");
      assertThat(data.get("threshold").asInt()).isEqualTo(80);
      assertThat(data.get("customer_id").asText()).isEqualTo("together");
      assertThat(data.get("units_used").decimalValue()).isEqualByComparingTo("1");
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
          .until(() -> receiver.ofType("usage.threshold").size() == 1);
    }
  }

  /**
   * No SLA level is judged under 100 eligible requests: 98 billed, then one engine 500 on each node, in batches in
   * flight together, is 99 eligible for each batch alone and 100 (2 failed, twice the enterprise tier's 99.99 %
   * budget of 1) for both.
   */
  @Test
  void twoNodesFailingOneCustomerAtOnce_reachingTheSlaLevelsOnlyTogether_sendBothSlaAtRiskEvents() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(0);
        TwoNodes nodes = TwoNodes.start(dir, "", WebhooksTest.WEBHOOKS)) {
      WebhooksTest.endpoint(nodes.a.tollgate, receiver.url(), "sla.at_risk");
      String onA = nodes.customer("fragile", "{}");
      String onB = secondKey(nodes, "fragile");
      for (int i = 0; i < 98; i++) {
        assertThat(nodes.a.gate("GET", "/v1/default/items/i" + i, onA).status()).isEqualTo(200);
      }
      nodes.a.awaitUsage("fragile", u -> u.get("requests").asLong() == 98);
      awaitQuiet(nodes, "fragile");
      try (BatchesHeld held = new BatchesHeld(nodes)) {
        assertThat(nodes.a.gate("GET", "/v1/default/serve/status/500", onA).status()).isEqualTo(500);
        held.awaitWaiting(1);
        assertThat(nodes.b.gate("GET", "/v1/default/serve/status/500", onB).status()).isEqualTo(500);
        held.awaitWaiting(2);
      }
      JsonNode usage = nodes.a.awaitUsage("fragile", u -> u.get("sla").get("failed_requests").asLong() == 2);
      assertThat(usage.get("sla").get("eligible_requests").asLong()).isEqualTo(100);

      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.ofType("sla.at_risk").size() == 2);
      assertThat(receiver.ofType("sla.at_risk").stream()
          .map(r -> WebhooksTest.read(r.body()).get("data").get("level").asText()).sorted().toList())
          .containsExactly("exhausted", "half");
    }
  }
}
