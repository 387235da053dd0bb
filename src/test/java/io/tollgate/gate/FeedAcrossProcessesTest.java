package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.store.PostgresTestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code tollgate serve} processes, as an operator runs them, on one PostgreSQL database: a revocation through
 * one is refused by the other within a second, and after {@code kill -9} of the first, the second still follows
 * the feed for changes made through itself and through a restarted first.
 */
final class FeedAcrossProcessesTest {
  private static final Duration WITHIN = Duration.ofSeconds(1);
  private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private PostgresTestDatabase pg;
  private TestEngine engine;
  private TollgateProcess a;
  private TollgateProcess b;

  @BeforeEach
  void start() throws Exception {
    pg = PostgresTestDatabase.createDatabase();
    engine = new TestEngine();
    a = node("a");
    b = node("b");
  }

  private TollgateProcess node(String name) throws Exception {
    String yaml = "gate:\n  engine: " + engine.url() + "\nstore:\n  url: '" + pg.url() + "'\n"
        + "keys:\n  hmac_secret: a-secret-shared-by-every-node-0123456789\nnode:\n  id: proc-" + name + "\n";
    return TollgateProcess.start(Files.createDirectories(dir.resolve(name)), yaml, JVM_OPTIONS);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {b, a, engine}) {
      if (c != null) {
        c.close();
      }
    }
    pg.close();
  }

  private int status(TollgateProcess node, String key) {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.gatePort() + "/v1/default/items/x"))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(5)).build();
    try {
      return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String firstKeyId(TollgateProcess node, String customer) {
    return node.admin("GET", "/admin/customers/" + customer + "/keys", null).json().get("keys").get(0)
        .get("key_id").asText();
  }

  @Test
  void revokeThroughOneProcess_theOtherRefusesWithinOneSecond_alsoAfterKillMinus9AndRestart() throws Exception {
    String key = a.customer("{\"customer_id\":\"proc-1\",\"tier\":\"enterprise\"}");
    await().atMost(WITHIN).pollInterval(Duration.ofMillis(5)).until(() -> status(b, key) == 200);
    a.admin("DELETE", "/admin/customers/proc-1/keys/" + firstKeyId(a, "proc-1"), null);
    await().atMost(WITHIN).pollInterval(Duration.ofMillis(5)).until(() -> status(b, key) == 401);

    a.kill();
    String other = b.customer("{\"customer_id\":\"proc-2\",\"tier\":\"enterprise\"}");
    assertThat(status(b, other)).isEqualTo(200);
    a.restart();
    assertThat(status(a, other)).isEqualTo(200);
    a.admin("PATCH", "/admin/customers/proc-2", "{\"active\":false}");
    await().atMost(WITHIN).pollInterval(Duration.ofMillis(5)).until(() -> status(b, other) == 403);
  }
}
