package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.metering.UsageSpill;
import io.tollgate.store.PostgresTestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * replay, and replaying the same file again (with a torn last record) changes nothing.
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
    tollgate = TollgateProcess.start(dir, "gate:\n  engine: " + engine.url() + "\nmetering:\n  durability: batch\n"
        + "  flush_interval_ms: " + FLUSH_WINDOW.toMillis() + "\n", JVM_OPTIONS,
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

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new AssertionError("no record end in " + new String(bytes, StandardCharsets.UTF_8));
  }
}
