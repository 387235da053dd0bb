package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.stream.StreamSupport;

/**
 * The documented bounds of the shared rate limit and quota (decisions.md, "Shared limits across nodes"), measured
 * through every node of a {@link ProcessNodes} at once, by clients that keep {@link #CONNECTIONS_PER_NODE}
 * connections per node busy. "In flight" is those connections: each has at most one request under way.
 */
final class SharedLimitBounds {
  /** L: the rate limit per window, and its burst. */
  static final int RATE = 30;
  static final Duration WINDOW = Duration.ofSeconds(2);
  static final int WINDOWS = 4;
  static final int CONNECTIONS_PER_NODE = 3;
  /** Q: the quota; a {@code GET /v1/{namespace}/items/{id}} costs {@link #UNITS}, so Q is 200 requests. */
  static final int QUOTA = 100;
  static final double UNITS = 0.5;
  private static final String FAR = "{\"quota\":{\"units\":10000000,\"period\":\"month\"},"
      + "\"rate_limit\":{\"requests\":100000,\"window_s\":1,\"burst\":100000}}";

  private SharedLimitBounds() {}

  /**
   * A customer with L = {@link #RATE} requests per {@link #WINDOW} (burst L) hammered through every node for
   * {@link #WINDOWS} windows at ten times L or more. Per window (by the moment each answer was read) the nodes together
   * admit at most L × 1.02 plus the requests in flight plus one lease per node (burst/20, documented: a leased token
   * is spent up to a second after its debit), the first window L more (the full burst); at least 0.95 × L less the
   * requests in flight (answers of one window read in the next). Over the whole run at most 1.02 × the ideal bucket
   * (burst + L per window elapsed) and at least 0.95 × it: leases may not starve the customer. One request through
   * each node first seeds the shared counters from the store (a read on a worker thread, slow on a loaded machine),
   * so that the run measures the bucket, not the first decision of a period; the burst is then short of those.
   */
  static void rateHoldsInEveryWindow(ProcessNodes cluster, String customerId, String what) throws Exception {
    String key = cluster.customer(customerId, "{\"quota\":{\"units\":10000000,\"period\":\"month\"},"
        + "\"rate_limit\":{\"requests\":" + RATE + ",\"window_s\":" + WINDOW.toSeconds() + ",\"burst\":" + RATE
        + "}}");
    warmUp(cluster, customerId + "-warm-up");
    for (TollgateProcess node : cluster.nodes) {
      assertThat(ProcessNodes.status(node, "/v1/default/items/x", key)).isEqualTo(200);
    }
    NodeLoad load = cluster.load(key, CONNECTIONS_PER_NODE);
    Duration run = WINDOW.multipliedBy(WINDOWS);
    await().atMost(run.plusSeconds(30)).pollInterval(Duration.ofMillis(5))
        .until(() -> System.nanoTime() - load.startedAt() >= run.toNanos());
    double sending = (System.nanoTime() - load.startedAt()) / 1e9;
    load.stop();
    double elapsed = (load.stoppedAt() - load.startedAt()) / 1e9;
    long[] perWindow = load.admittedPerWindow(WINDOW, WINDOWS);
    int inFlight = load.connections();
    long leases = cluster.nodes.size() * (RATE / 20L);
    double perSecond = (double) RATE / WINDOW.toSeconds();
    double ideal = RATE + perSecond * elapsed;
    long admitted = load.admitted();
    System.out.printf("%s: rate %d per %d s (burst %d) through %d nodes, %d connections, %.2f s: %d sent (%.1f times"
        + " the limit), ideal %.1f, %d admitted (%+.2f %%), per window %s%n", what, RATE, WINDOW.toSeconds(), RATE,
        cluster.nodes.size(), inFlight, elapsed, load.answered(), load.answered() / (perSecond * elapsed), ideal,
        admitted, 100 * (admitted - ideal) / ideal, Arrays.toString(perWindow));
    assertOnlyAnswers(cluster, load, 200, 429);
    assertThat((double) load.answered()).as("the load is ten times the limit or more")
        .isGreaterThanOrEqualTo(10 * perSecond * elapsed);
    for (int k = 0; k < WINDOWS; k++) {
      double allowed = RATE * 1.02 + (k == 0 ? RATE * 1.02 : 0) + inFlight + leases;
      double least = RATE * 0.95 + (k == 0 ? (RATE - cluster.nodes.size()) * 0.95 : 0) - inFlight;
      assertThat((double) perWindow[k]).as("window %d of %s", k, Arrays.toString(perWindow))
          .isLessThanOrEqualTo(allowed).isGreaterThanOrEqualTo(least);
    }
    assertThat((double) admitted).isLessThanOrEqualTo(ideal * 1.02)
        .isGreaterThanOrEqualTo(0.95 * (RATE - cluster.nodes.size() + perSecond * sending));
  }

  /**
   * A quota of Q = {@link #QUOTA} units hammered through every node at three times Q or more: billed ≤ Q + in flight,
   * and at least Q less each node's unspent lease (quota/50, documented); once those are back, the rest is admitted
   * and Q is reached exactly. The usage the Admin API reports (the customer's document, and {@code GET /admin/usage}
   * through every node) is what reached the engine, and what the clients got.
   */
  static void quotaHolds(ProcessNodes cluster, String customerId, String what) throws Exception {
    String key = cluster.customer(customerId, "{\"quota\":{\"units\":" + QUOTA + ",\"period\":\"month\"},"
        + "\"rate_limit\":{\"requests\":100000,\"window_s\":1,\"burst\":100000}}");
    long requests = Math.round(QUOTA / UNITS);
    NodeLoad first = hammerUntilRefused(cluster, key, 3 * requests);
    long admitted = first.admitted();
    long leaseRests = cluster.nodes.size() * Math.round(QUOTA / 50.0 / UNITS);
    System.out.printf("%s: quota %d units (%d requests of %.1f) through %d nodes, %d connections: %d admitted of %d%n",
        what, QUOTA, requests, UNITS, cluster.nodes.size(), first.connections(), admitted, first.answered());
    assertOnlyAnswers(cluster, first, 200, 429);
    assertThat(admitted * UNITS).isLessThanOrEqualTo(QUOTA + first.connections() * UNITS);
    assertThat(admitted).isGreaterThanOrEqualTo(requests - leaseRests);

    // the nodes' unspent lease rests go back within a second of their expiry: nothing is held any more
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(() -> RedisCounters.held(cluster.redis, customerId).isEmpty());
    NodeLoad second = hammerUntilRefused(cluster, key, requests);
    assertOnlyAnswers(cluster, second, 200, 429);
    long total = admitted + second.admitted();
    System.out.printf("%s: after the leases were back, %d more admitted: %d in all%n", what, second.admitted(), total);
    assertThat(total).isEqualTo(requests);

    JsonNode usage = awaitUsage(cluster, customerId, total);
    assertThat(usage.path("units_used").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(total * UNITS));
    assertThat(cluster.engineSaw(customerId)).as("requests that reached the engine").isEqualTo(total);
    // every node's GET /admin/usage (all customers, this month) reads the same shared rows
    String month = LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7);
    for (TollgateProcess node : cluster.nodes) {
      JsonNode all = node.admin("GET", "/admin/usage?period=" + month, null).json();
      JsonNode mine = StreamSupport.stream(all.path("customers").spliterator(), false)
          .filter(u -> u.path("customer_id").asText().equals(customerId)).findFirst().orElseThrow();
      assertThat(mine.path("requests").asLong()).as("GET /admin/usage through %d", node.gatePort()).isEqualTo(total);
      assertThat(mine.path("units_used").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(total * UNITS));
    }
  }

  /** The usage document once it counts {@code requests} requests, and still does five flush windows later. */
  static JsonNode awaitUsage(ProcessNodes cluster, String customerId, long requests) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> (last[0] = cluster.usage(customerId)).path("requests").asLong() == requests);
    await().during(ProcessNodes.FLUSH_WINDOW.multipliedBy(5)).atMost(Duration.ofSeconds(5))
        .until(() -> (last[0] = cluster.usage(customerId)).path("requests").asLong() == requests);
    return last[0];
  }

  /** Every node's JIT past its first requests, with a customer far from its limits. */
  private static void warmUp(ProcessNodes cluster, String customerId) throws Exception {
    String key = cluster.customer(customerId, FAR);
    NodeLoad load = cluster.load(key, CONNECTIONS_PER_NODE);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
      for (int n = 0; n < cluster.nodes.size(); n++) {
        if (load.admitted(n) < 300) {
          return false;
        }
      }
      return true;
    });
    load.stop();
  }

  /** Load on every node until {@code refusals} requests were refused. */
  private static NodeLoad hammerUntilRefused(ProcessNodes cluster, String key, long refusals) throws Exception {
    NodeLoad load = cluster.load(key, CONNECTIONS_PER_NODE);
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
          .until(() -> load.count(a -> a.status() == 429) >= refusals);
    } finally {
      load.stop();
    }
    return load;
  }

  /** Every node answered only {@code statuses}, and no connection failed. */
  static void assertOnlyAnswers(ProcessNodes cluster, NodeLoad load, Integer... statuses) {
    for (int n = 0; n < cluster.nodes.size(); n++) {
      assertThat(load.failures(n)).as("failed connections to node %d", n).isEmpty();
      assertThat(load.statuses(n).keySet()).as("statuses of node %d: %s", n, load.statuses(n)).isSubsetOf(statuses);
    }
  }
}
