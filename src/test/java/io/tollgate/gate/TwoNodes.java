package io.tollgate.gate;

import static org.awaitility.Awaitility.await;

import io.tollgate.gate.redis.RedisServer;
import io.tollgate.store.PostgresTestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Two real Tollgate servers, A and B, on one PostgreSQL database of their own and one private Redis
 * ({@code limits.redis.url}), with helpers to onboard a customer and hammer both nodes at once.
 */
final class TwoNodes implements AutoCloseable {
  private static final String SHARED_SECRET = "a-secret-shared-by-every-node-0123456789";
  final PostgresTestDatabase pg;
  final RedisServer redis;
  final GateFixture a;
  final GateFixture b;

  private TwoNodes(PostgresTestDatabase pg, RedisServer redis, GateFixture a, GateFixture b) {
    this.pg = pg;
    this.redis = redis;
    this.a = a;
    this.b = b;
  }

  /** {@code limitsYaml}: extra keys of the {@code limits:} section (indented by two spaces), or empty. */
  static TwoNodes start(Path dir, String limitsYaml) throws Exception {
    return start(dir, limitsYaml, "");
  }

  /** {@code moreYaml}: further top-level sections of both nodes' configuration (a {@code webhooks:} one), or empty. */
  static TwoNodes start(Path dir, String limitsYaml, String moreYaml) throws Exception {
    PostgresTestDatabase pg = PostgresTestDatabase.createDatabase();
    RedisServer redis = RedisServer.start();
    return new TwoNodes(pg, redis, node(dir, "a", limitsYaml, moreYaml, pg, redis),
        node(dir, "b", limitsYaml, moreYaml, pg, redis));
  }

  private static GateFixture node(Path dir, String name, String limitsYaml, String moreYaml, PostgresTestDatabase pg,
      RedisServer redis) throws Exception {
    Path nodeDir = Files.createDirectories(dir.resolve(name));
    // a loaded 2-core test machine: a generous timeout, so that only a dead Redis counts as unreachable
    return GateFixture.start(nodeDir, "node:\n  id: node-" + name + "\nlimits:\n" + limitsYaml
        + "  redis:\n    timeout: 2s\n" + moreYaml, Map.of("TOLLGATE_STORE_URL", pg.url(), "TOLLGATE_HMAC_SECRET", SHARED_SECRET,
        "TOLLGATE_REDIS_URL", redis.url()));
  }

  /**
   * A customer made through A, once B knows its key too: B refuses a namespace the customer lacks with 403 rather
   * than 401, a check that comes before the limits and spends nothing.
   */
  String customer(String id, String limits) {
    String key = a.customer("{\"customer_id\":\"" + id + "\",\"tier\":\"enterprise\",\"limits\":" + limits + "}");
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
        .until(() -> b.gate("GET", "/v1/elsewhere/items/x", key).status() == 403);
    return key;
  }

  /** Sends {@code n} requests, alternating between the nodes, from 16 threads; the statuses in order. */
  List<Integer> hammer(String key, int n) {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<CompletableFuture<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        GateFixture node = i % 2 == 0 ? a : b;
        calls.add(CompletableFuture.supplyAsync(() -> node.gate("GET", "/v1/default/items/x", key).status(), pool));
      }
      return calls.stream().map(CompletableFuture::join).toList();
    } finally {
      pool.shutdown();
    }
  }

  static Map<Integer, Long> histogram(List<Integer> statuses) {
    return statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
  }

  static long count(List<Integer> statuses, int status) {
    return statuses.stream().filter(s -> s == status).count();
  }

  /** The value of one meter on {@code node}'s {@code /metrics}. */
  static double metric(GateFixture node, String name) {
    return Scrape.parse(node.tollgate.send("GET", node.tollgate.adminUri("/metrics"), null, Map.of()).text())
        .value(name);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {b, a, redis, pg}) {
      c.close();
    }
  }
}
