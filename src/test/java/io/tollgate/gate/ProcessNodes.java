package io.tollgate.gate;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.gate.redis.RedisServer;
import io.tollgate.store.PostgresTestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * N real {@code tollgate serve} processes, as an operator runs them ({@link TollgateProcess}), on one PostgreSQL
 * database of their own, one private Redis ({@code limits.redis.url}) and one {@link TestEngine} in this JVM, which
 * counts what reached it. Batch metering with a 100 ms flush window. Node i is {@code node-i}.
 */
final class ProcessNodes implements AutoCloseable {
  static final Duration FLUSH_WINDOW = Duration.ofMillis(100);
  private static final String SHARED_SECRET = "a-secret-shared-by-every-node-0123456789";
  /** Short-lived processes on a small machine: with C1 alone they warm up in a fraction of the time. */
  private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-Xmx256m");

  final PostgresTestDatabase pg;
  final RedisServer redis;
  final TestEngine engine;
  final List<TollgateProcess> nodes;

  private ProcessNodes(PostgresTestDatabase pg, RedisServer redis, TestEngine engine, List<TollgateProcess> nodes) {
    this.pg = pg;
    this.redis = redis;
    this.engine = engine;
    this.nodes = List.copyOf(nodes);
  }

  /** {@code n} nodes, started at once. */
  static ProcessNodes start(Path dir, int n) throws Exception {
    return start(dir, IntStream.range(0, n).mapToObj(i -> Map.<String, String>of()).toList());
  }

  /**
   * One node per entry of {@code env}, started at once; each entry is more environment for that node's process
   * (for instance {@link #clockAhead}).
   */
  static ProcessNodes start(Path dir, List<Map<String, String>> env) throws Exception {
    PostgresTestDatabase pg = PostgresTestDatabase.createDatabase();
    RedisServer redis = RedisServer.start();
    TestEngine engine = new TestEngine();
    List<CompletableFuture<TollgateProcess>> starting = new ArrayList<>();
    for (int i = 0; i < env.size(); i++) {
      String yaml = "gate:\n  engine: " + engine.url() + "\nstore:\n  url: '" + pg.url() + "'\n"
          + "keys:\n  hmac_secret: " + SHARED_SECRET + "\nnode:\n  id: node-" + i + "\n"
          // a loaded 2-core test machine: a generous timeout, so that only a dead Redis counts as unreachable
          + "limits:\n  redis:\n    url: '" + redis.url() + "'\n    timeout: 2s\n"
          + "metering:\n  durability: batch\n  flush_interval_ms: " + FLUSH_WINDOW.toMillis() + "\n";
      Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
      Map<String, String> nodeEnv = env.get(i);
      starting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return TollgateProcess.start(nodeDir, yaml, JVM_OPTIONS, nodeEnv);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    List<TollgateProcess> nodes = new ArrayList<>();
    try {
      for (CompletableFuture<TollgateProcess> s : starting) {
        nodes.add(s.join());
      }
    } catch (RuntimeException e) {
      for (CompletableFuture<TollgateProcess> s : starting) {
        s.thenAccept(TollgateProcess::closeQuietly);
      }
      redis.close();
      engine.close();
      pg.close();
      throw e;
    }
    return new ProcessNodes(pg, redis, engine, nodes);
  }

  /**
   * The environment that runs a node's JVM with its wall clock {@code offset} ahead of this machine's: libfaketime
   * ({@code LD_PRELOAD}, Debian's {@code faketime} package, installed by scripts/test-services.sh) with
   * {@code FAKETIME=+Ns}. Its monotonic clock moves by the same constant, so timed waits keep their length
   * ({@code FAKETIME_DONT_FAKE_MONOTONIC=1} would make the JVM's timed waits return at once). Fails, never skips, when
   * libfaketime is not installed.
   */
  static Map<String, String> clockAhead(Duration offset) {
    Path lib = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    if (!Files.isReadable(lib)) {
      lib = Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1");
    }
    if (!Files.isReadable(lib)) {
      throw new AssertionError("libfaketime is not installed (apt-get install faketime): run scripts/test-services.sh");
    }
    return Map.of("LD_PRELOAD", lib.toString(), "FAKETIME", "+" + offset.toSeconds() + "s");
  }

  TollgateProcess node(int i) {
    return nodes.get(i);
  }

  /**
   * A customer (enterprise tier, {@code limits} as the Admin API takes them) made through node 0, once every node
   * knows its key: a namespace the customer lacks is refused with 403 rather than 401, a check that comes before the
   * limits and spends nothing.
   */
  String customer(String id, String limits) {
    String key = node(0).customer("{\"customer_id\":\"" + id + "\",\"tier\":\"enterprise\",\"limits\":" + limits
        + "}");
    for (TollgateProcess node : nodes) {
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> status(node, "/v1/elsewhere/items/x", key) == 403);
    }
    return key;
  }

  /** One GET through {@code node}'s gate, on a connection of its own; its status. */
  static int status(TollgateProcess node, String path, String key) {
    try (RawHttp.Connection c = RawHttp.Connection.open(node.gatePort(), Duration.ofSeconds(20))) {
      c.send(NodeLoad.get(path, node.gatePort(), key));
      return c.read().status();
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " through " + node.gatePort() + " failed:\n" + node.output(), e);
    }
  }

  /** The customer's usage document, from node 0's Admin API (the shared store). */
  JsonNode usage(String customerId) {
    return node(0).admin("GET", "/admin/customers/" + customerId + "/usage", null).json();
  }

  /** The requests of {@code customerId} that reached the engine to their end. */
  long engineSaw(String customerId) {
    return engine.seen.stream().filter(s -> customerId.equals(s.header("X-Tollgate-Customer"))).count();
  }

  /** Sends requests of {@code key} for {@code GET path} through every node for as long as it runs. */
  NodeLoad load(String key, int connectionsPerNode) {
    return NodeLoad.start(nodes, connectionsPerNode, "/v1/default/items/x", key);
  }

  @Override
  public void close() throws Exception {
    for (TollgateProcess n : nodes) {
      n.close();
    }
    engine.close();
    redis.close();
    pg.close();
  }
}
