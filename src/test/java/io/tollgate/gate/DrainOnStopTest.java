package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.store.Database;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A stop by SIGTERM drains the gate (CONTRACT.md "Promises", issue 11): Tollgate in its own process, a slow engine
 * request in flight, then SIGTERM. The request is answered with the engine's 200 and billed, new connections are
 * refused meanwhile, {@code /health} says {@code draining}, and the process then exits. A request that outlasts
 * {@code gate.drain_timeout} is cut at it, in-process through {@code Server.close}, as the other tests stop.
 */
final class DrainOnStopTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CUSTOMER = "drain-1";
  private static final long ENGINE_MS = 4000;

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @ParameterizedTest(name = "{0} durability")
  @ValueSource(strings = {"batch", "strict"})
  void sigterm_withARequestInFlight_answersItWithTheEnginesAnswer_billsIt_refusesNewConnections_thenExits(
      String durability) throws Exception {
    // a flush window longer than the test: in batch mode the usage reaches the store only through the stop's flush
    try (TestEngine engine = new TestEngine(); TollgateProcess tollgate = TollgateProcess.start(dir, "gate:\n"
        + "  engine: " + engine.url() + "\n  drain_timeout: 20s\nmetering:\n  durability: " + durability
        + "\n  flush_interval_ms: 60000\n", List.of("-XX:TieredStopAtLevel=1"))) {
      String key = tollgate.customer("{\"customer_id\":\"" + CUSTOMER + "\",\"tier\":\"enterprise\"}");
      String path = "/v1/default/serve/slow/" + ENGINE_MS;
      CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tollgate.gatePort() + path))
              .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.started.contains(path));

      long terminatedAt = System.nanoTime();
      tollgate.terminate();

      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
          .until(() -> refusesConnections(tollgate.gatePort()));
      assertThat(adminHealth(tollgate).get("status").asText()).isEqualTo("draining");

      HttpResponse<String> answer = inFlight.get(20, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(JSON.readTree(answer.body()).get("path").asText()).isEqualTo(path);
      assertThat(tollgate.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
      // the process waited for the engine: it had most of its ENGINE_MS left when the signal came
      assertThat(Duration.ofNanos(System.nanoTime() - terminatedAt)).isGreaterThan(Duration.ofMillis(ENGINE_MS / 2));

      assertThat(billedRequests(tollgate.dataDir())).as(tollgate.output()).isEqualTo(1);
      assertThat(tollgate.output()).contains("gate drained in");
    }
  }

  @Test
  void stop_requestOutlastingTheDrainTimeout_isCutAtTheTimeout_andNotBilled() throws Exception {
    GateFixture f = GateFixture.start(dir, "  drain_timeout: 1s\n", Map.of());
    String key;
    CompletableFuture<HttpResponse<String>> inFlight;
    try {
      key = f.customer("{\"customer_id\":\"" + CUSTOMER + "\",\"tier\":\"enterprise\"}");
      String path = "/v1/default/serve/slow/30000";
      inFlight = http.sendAsync(HttpRequest.newBuilder(f.tollgate.gateUri(path))
          .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(10)).until(() -> f.engine.started.contains(path));
    } catch (Exception | AssertionError e) {
      f.close();
      throw e;
    }
    long stopping = System.nanoTime();
    f.close();
    Duration took = Duration.ofNanos(System.nanoTime() - stopping);

    assertThat(took).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(8));
    assertThat(inFlight).failsWithin(Duration.ofSeconds(5));
    assertThat(billedRequests(f.tollgate.dataDir)).isZero();
  }

  private static boolean refusesConnections(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return false;
    } catch (ConnectException e) {
      return true;
    }
  }

  /** {@code GET /health} on the admin listener, which keeps serving while the gate drains; expects 503. */
  private JsonNode adminHealth(TollgateProcess tollgate) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + tollgate.adminPort() + "/health")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    return JSON.readTree(r.body());
  }

  /** The customer's billed requests around today, read from the store in {@code dataDir} once nothing runs on it. */
  private static long billedRequests(Path dataDir) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    try (Database db = Database.open("sqlite:" + dataDir.resolve("tollgate.db"))) {
      return db.usage().totals(CUSTOMER, today.minusDays(1), today.plusDays(2)).requests();
    }
  }
}
