package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.gate.redis.RedisServer;
import io.tollgate.store.PostgresTestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster example of {@code deploy/cluster} as it is written: its nginx.conf, its tollgate.yaml and the variables
 * of node.env.example, with only addresses, ports and secrets replaced, run as three real {@code tollgate serve}
 * processes on one private PostgreSQL database and one private Redis behind a real nginx on loopback. A key made
 * through one node works through nginx on every node, a node killed with SIGKILL is skipped, and every answered
 * request is billed once.
 */
final class DeployExampleTest {
  private static final Path CLUSTER = Path.of("deploy/cluster");
  private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");
  private static final Pattern UPSTREAM = Pattern.compile("server (10\\.0\\.0\\.1[1-3]):8080");
  private static final Pattern ENV_LINE = Pattern.compile("(?m)^([A-Z_]+)=(.*)$");
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** Requests answered 200: each is billed once. */
  private volatile long answered;

  @Test
  void threeNodesBehindNginx_asInDeployCluster_serveAKeyFromAnyNode_skipAKilledNode_billEveryAnswerOnce()
      throws Exception {
    String example = Files.readString(CLUSTER.resolve("tollgate.yaml"));
    assertThat(example).contains("timeout: 20ms");
    // a loaded 2-core test machine running three nodes: a generous timeout, so that only a dead Redis is unreachable
    String yaml = example.replace("timeout: 20ms", "timeout: 500ms");
    String nginxConf = Files.readString(CLUSTER.resolve("nginx.conf"));
    Map<String, String> exampleEnv = envFile(Files.readString(CLUSTER.resolve("node.env.example")));
    assertThat(exampleEnv.keySet()).containsExactlyInAnyOrder("TOLLGATE_NODE_ID", "TOLLGATE_GATE_LISTEN",
        "TOLLGATE_ADMIN_LISTEN", "TOLLGATE_HMAC_SECRET", "TOLLGATE_ADMIN_KEY", "TOLLGATE_STORE_URL",
        "TOLLGATE_REDIS_URL", "TOLLGATE_ENGINE_URL");
    try (PostgresTestDatabase pg = PostgresTestDatabase.createDatabase(); RedisServer redis = RedisServer.start();
        TestEngine engine = new TestEngine()) {
      List<CompletableFuture<TollgateProcess>> starting = new ArrayList<>();
      for (int n = 1; n <= 3; n++) {
        Map<String, String> env = new LinkedHashMap<>(exampleEnv);
        // TollgateProcess sets the listen addresses (free loopback ports), the data directory and the admin key
        env.put("TOLLGATE_NODE_ID", exampleEnv.get("TOLLGATE_NODE_ID").replace("node-1", "node-" + n));
        env.put("TOLLGATE_HMAC_SECRET", "the-secret-every-node-of-the-example-shares-0123456789");
        env.put("TOLLGATE_STORE_URL", pg.url());
        env.put("TOLLGATE_REDIS_URL", redis.url());
        env.put("TOLLGATE_ENGINE_URL", engine.url());
        Path nodeDir = Files.createDirectories(dir.resolve("node-" + n));
        starting.add(CompletableFuture.supplyAsync(() -> start(nodeDir, yaml, env)));
      }
      List<TollgateProcess> nodes = starting.stream().map(CompletableFuture::join).toList();
      try (Nginx nginx = Nginx.startHttp(port -> pointedAt(nginxConf, port, nodes))) {
        String key = nodes.get(0).customer("{\"customer_id\":\"acme\",\"tier\":\"enterprise\"}");
        // the key reaches the other nodes through the change feed (its 1 s bound is FeedAcrossProcessesTest's; here
        // it is only the start, and three fresh JVMs on a loaded 2-core machine may answer their first requests slowly)
        for (TollgateProcess node : nodes) {
          await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
              .until(() -> get("http://127.0.0.1:" + node.gatePort() + "/v1/default/items/x", key) == 200);
        }

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          statuses.add(get(nginx.url("/v1/default/items/x"), key));
        }

        assertThat(statuses).as(nginx.errorLog()).containsOnly(200);
        for (TollgateProcess node : nodes) { // round robin: every node served its share
          assertThat(allowedRequests(node)).as("node on " + node.gatePort()).isGreaterThanOrEqualTo(5);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> usageRequests(nodes.get(2)) == answered);

        nodes.get(1).kill();
        List<Integer> afterKill = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          afterKill.add(get(nginx.url("/v1/default/items/x"), key));
        }

        assertThat(afterKill).as(nginx.errorLog()).containsOnly(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> usageRequests(nodes.get(0)) == answered);
        assertThat(get(nginx.url("/v1/default/items/x"), "tg_live_notARealKey")).isEqualTo(401);
      } finally {
        for (TollgateProcess node : nodes) {
          node.close();
        }
      }
    }
  }

  private static TollgateProcess start(Path nodeDir, String yaml, Map<String, String> env) {
    try {
      return TollgateProcess.start(nodeDir, yaml, JVM_OPTIONS, env);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The example's nginx.conf with its three upstream servers and its listen port moved to loopback. */
  private static String pointedAt(String conf, int port, List<TollgateProcess> nodes) {
    Matcher m = UPSTREAM.matcher(conf);
    StringBuilder out = new StringBuilder();
    List<String> seen = new ArrayList<>();
    while (m.find()) {
      seen.add(m.group(1));
      m.appendReplacement(out, "server 127.0.0.1:" + nodes.get(seen.size() - 1).gatePort());
    }
    m.appendTail(out);
    assertThat(seen).containsExactly("10.0.0.11", "10.0.0.12", "10.0.0.13");
    assertThat(out.toString()).contains("listen 80;");
    return out.toString().replace("listen 80;", "listen 127.0.0.1:" + port + ";");
  }

  private static Map<String, String> envFile(String text) {
    Map<String, String> env = new LinkedHashMap<>();
    Matcher m = ENV_LINE.matcher(text);
    while (m.find()) {
      env.put(m.group(1), m.group(2));
    }
    return env;
  }

  private int get(String url, String key) {
    HttpRequest r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + key).build();
    try {
      HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 200) {
        answered++;
      } else if (answer.statusCode() >= 500) {
        System.out.println("DeployExampleTest: " + answer.statusCode() + " " + answer.body());
      }
      return answer.statusCode();
    } catch (Exception e) {
      throw new AssertionError("GET " + url + " failed", e);
    }
  }

  private static long usageRequests(TollgateProcess node) {
    return node.admin("GET", "/admin/customers/acme/usage", null).json().get("requests").asLong();
  }

  /** {@code tollgate_gate_requests_total{outcome="allowed"}} summed over the node's series. */
  private static double allowedRequests(TollgateProcess node) {
    String metrics = node.admin("GET", "/metrics", null).text();
    return metrics.lines().filter(l -> l.startsWith("tollgate_gate_requests_total{")
            && l.contains("outcome=\"allowed\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
