package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.metering.UsageSpill;
import io.tollgate.store.PostgresTestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL goes away under load (new connections refused, every open one terminated) while batch metering is on,
 * and the node is killed with SIGKILL during the outage: the usage it answered meanwhile waited in the spill file
 * ({@code <data_dir>/spill/usage-spill.log}), so once PostgreSQL is back and the node restarted, every answered
 * request is billed but those of the last flush windows before the kill, none twice; the file is removed after the
 * replay, and replaying the same file again (with a torn last record) changes nothing. In strict mode the
 * {@code 503 store_unavailable} answered during the outage wait there too, and count against the SLA after the
 * restart.
 */
final class PostgresOutageCrashTest {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresOutageCrashTest.class);
  private static final int THREADS = 4;
  private static final Duration FLUSH_WINDOW = Duration.ofMillis(100);
  private static final String CUSTOMER = "spill-1";
  private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

  @TempDir Path dir;
  private PostgresTestDatabase pg;
  private TestEngine engine;
  private TollgateProcess tollgate;

  @BeforeEach
  void start() throws Exception {
    pg = PostgresTestDatabase.createDatabase();
    engine = new TestEngine();
  }

  /** {@code meteringYaml}: more keys of the {@code metering:} section, indented by two spaces. */
  private void startNode(String durability, String meteringYaml) throws Exception {
    tollgate = TollgateProcess.start(dir, "gate:\n  engine: " + engine.url() + "\nmetering:\n  durability: "
        + durability + "\n  flush_interval_ms: " + FLUSH_WINDOW.toMillis() + "\n" + meteringYaml, JVM_OPTIONS,
        Map.of("TOLLGATE_STORE_URL", pg.url()));
  }

  @AfterEach
  void stop() throws Exception {
    if (tollgate != null) {
      tollgate.close();
    }
    engine.close();
    pg.allowConnections();
    pg.close();
  }

  private Path spillFile() {
    return tollgate.dataDir().resolve("spill").resolve(UsageSpill.FILE_NAME);
  }

  private JsonNode health() {
    return tollgate.admin("GET", "/health", null).json();
  }

  private JsonNode usage() {
    return tollgate.admin("GET", "/admin/customers/" + CUSTOMER + "/usage", null).json();
  }

  private long billed() {
    return usage().get("requests").asLong();
  }

  @Test
  void kill9_duringAPostgresOutage_batchDurability_billsWhatWasAnsweredDuringTheOutage_onceEvenWhenReplayedTwice()
      throws Exception {
    startNode("batch", "");
    String key = tollgate.customer("{\"customer_id\":\"" + CUSTOMER + "\",\"tier\":\"enterprise\",\"limits\":"
        + "{\"rate_limit\":{\"requests\":1000000,\"window_s\":1,\"burst\":1000000}}}");
    PutLoad load = PutLoad.start(tollgate.gatePort(), key, THREADS);
    await().atMost(Duration.ofSeconds(20)).until(() -> load.answered() >= 200);

    pg.refuseConnections();
    long answeredAtOutage = load.answered();
    await("usage spilled while the store is gone").atMost(Duration.ofSeconds(20))
        .until(() -> health().get("spilled_batches").asLong() >= 10 && load.answered() >= answeredAtOutage + 500);
    JsonNode during = health();
    assertThat(during.get("store").asText()).isEqualTo("down");
    assertThat(during.get("metering").asText()).isEqualTo("spilled");
    assertThat(during.get("spilled_bytes").asLong()).isPositive();
    Scrape metrics = Scrape.parse(tollgate.admin("GET", "/metrics", null).text());
    assertThat(metrics.value("tollgate_metering_spill_batches")).isPositive();
    assertThat(metrics.value("tollgate_metering_spill_bytes")).isPositive();
    assertThat(metrics.value("tollgate_metering_spill_full")).isZero();

    load.killing();
    long killedAt = System.nanoTime();
    tollgate.kill();
    load.stop();
    long lastTwoWindows = load.answeredSince(killedAt - FLUSH_WINDOW.multipliedBy(2).toNanos());
    long answered = load.answered();
    assertThat(load.failuresBeforeKill).as("connections failed before the kill").isEmpty();
    assertThat(load.otherStatuses).as("answers other than 2xx while the store was gone").isEmpty();
    // what the crash may lose (see CrashBillingTest): the last two windows, one answer per connection; what was
    // answered during the outage is far more, so a node that kept it in memory only would fail below
    long mayLose = lastTwoWindows + THREADS;
    assertThat(answered - answeredAtOutage).isGreaterThan(3 * mayLose);
    assertThat(spillFile()).exists();
    byte[] spilled = Files.readAllBytes(spillFile());

    pg.allowConnections();
    tollgate.restart();
    await("the spill file replayed and removed").atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(spillFile()));
    long billed = billed();
    LOG.info("{} answered ({} during the outage, {} in the last two flush windows before the kill), {} billed after "
        + "the restart, spill file of {} bytes", answered, answered - answeredAtOutage, lastTwoWindows, billed,
        spilled.length);
    assertThat(billed).as("billed after the restart").isLessThanOrEqualTo(answered)
        .isGreaterThanOrEqualTo(answered - mayLose);
    assertThat(usage().get("units_used").decimalValue().longValueExact()).isEqualTo(billed);
    assertThat(health().get("metering").asText()).isEqualTo("ok");

    // the same file replayed again, as after a crash between the last apply and the removal, with a torn last
    // record after it: nothing changes
    tollgate.kill();
    Files.createDirectories(spillFile().getParent());
    Files.write(spillFile(), spilled);
    byte[] firstRecord = Arrays.copyOf(spilled, indexOf(spilled, (byte) '\n') + 1);
    Files.write(spillFile(), Arrays.copyOf(firstRecord, firstRecord.length / 2), StandardOpenOption.APPEND);
    tollgate.restart();
    await("the restored spill file replayed and removed").atMost(Duration.ofSeconds(20))
        .until(() -> !Files.exists(spillFile()));
    await().during(FLUSH_WINDOW.multipliedBy(5)).atMost(Duration.ofSeconds(5)).until(() -> billed() == billed);
    assertThat(tollgate.output()).contains("was applied before; not applied again")
        .contains("after the last complete record cut off");
  }

  /**
   * Strict mode: once a usage write failed, the node answers {@code 503 store_unavailable} before deciding, and those
   * refusals count against the customer's SLA. They wait in the spill file, not in memory, so a node killed during
   * the outage still counts every one of them, once, after the restart; its usage is the requests answered 200.
   */
  @Test
  void kill9_duringAPostgresOutage_strictDurability_countsEvery503AgainstTheSla_onceAfterTheRestart()
      throws Exception {
    startNode("strict", "  strict_commit_timeout: 1s\n");
    String key = tollgate.customer("{\"customer_id\":\"" + CUSTOMER + "\",\"tier\":\"enterprise\"}");
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tollgate.gatePort()
        + "/v1/default/items/x")).header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build();
    AtomicLong refused = new AtomicLong();
    Callable<Integer> call = () -> {
      HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 503 && r.body().contains("\"store_unavailable\"")) {
        refused.incrementAndGet();
      } else if (r.statusCode() != 200) {
        throw new AssertionError("unexpected answer " + r.statusCode() + " " + r.body());
      }
      return r.statusCode();
    };
    assertThat(call.call()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> billed() == 1);

    pg.refuseConnections();
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> call.call() == 503);
    for (int i = 0; i < 20; i++) {
      assertThat(call.call()).isEqualTo(503);
    }
    double[] spilled = {-1};
    await("the refusals are in the spill file, and nothing more arrives there").atMost(Duration.ofSeconds(15))
        .pollInterval(FLUSH_WINDOW.multipliedBy(5)).until(() -> {
          double now = Scrape.parse(tollgate.admin("GET", "/metrics", null).text())
              .value("tollgate_metering_spill_bytes");
          boolean stable = now > 0 && now == spilled[0];
          spilled[0] = now;
          return stable;
        });
    assertThat(spillFile()).exists();
    tollgate.kill();

    pg.allowConnections();
    tollgate.restart();
    await("the spill file replayed and removed").atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(spillFile()));
    long failed = refused.get();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode u = usage();
      assertThat(u.path("rejected").path("store_unavailable").asLong()).isEqualTo(failed);
      assertThat(u.path("sla").path("failed_requests").asLong()).isEqualTo(failed);
      assertThat(u.path("sla").path("eligible_requests").asLong()).isEqualTo(1 + failed);
      assertThat(u.path("requests").asLong()).isEqualTo(1);
    });
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new AssertionError("no record end in " + new String(bytes, StandardCharsets.UTF_8));
  }
}
