package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's disk fills up (the data directory on a small tmpfs, filled by a file). Batch metering keeps answering:
 * the usage it could not write waits in memory and is applied once space is back. Strict metering refuses new
 * requests with {@code 503 store_unavailable} once a write failed, holds the answer whose usage it could not record
 * (never sent unbilled) and bills it when space is back within {@code metering.strict_commit_timeout}; past that
 * bound the held request is answered {@code 503 store_unavailable} and its usage taken back, so every request is
 * either answered and billed once or refused and not billed. Nothing answered is lost or counted twice, and the
 * database passes {@code PRAGMA integrity_check}. Needs root (it mounts the tmpfs); it fails, never skips, without.
 */
final class DiskFullTest {
  private static final int REQUESTS = 40;
  private static final int THREADS = 4;

  @TempDir Path dir;
  private Path mount;
  private TestEngine engine;
  private RunningTollgate tollgate;
  private String key;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    mount = Files.createDirectories(dir.resolve("small-disk"));
    run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount.toString());
    engine = new TestEngine();
  }

  private void start(String durability) throws Exception {
    start(durability, "");
  }

  /** {@code meteringYaml}: more keys of the {@code metering:} section, indented by two spaces. */
  private void start(String durability, String meteringYaml) throws Exception {
    Path config = dir.resolve("tollgate.yaml");
    Files.writeString(config, "gate:\n  engine: " + engine.url() + "\nmetering:\n  durability: " + durability
        + "\n  flush_interval_ms: 50\n" + meteringYaml);
    tollgate = RunningTollgate.start(mount.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY),
        Optional.of(config));
    Answer a = tollgate.admin("POST", "/admin/customers", "{\"customer_id\":\"disk-1\",\"tier\":\"enterprise\"}");
    key = a.json().get("api_key").get("key").asText();
  }

  @AfterEach
  void stop() throws Exception {
    if (tollgate != null) {
      tollgate.close();
    }
    engine.close();
    run("umount", "-l", mount.toString());
  }

  private Answer get(String id) {
    return tollgate.send("GET", tollgate.gateUri("/v1/default/items/" + id), null, Map.of("Authorization",
        "Bearer " + key));
  }

  private void assertIntegrityAfterStop() throws Exception {
    tollgate.close();
    tollgate = null;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + mount.resolve("data/tollgate.db"));
        ResultSet r = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("ok");
    }
  }

  @Test
  void diskFull_batchModeKeepsAnswering_andAppliesEverythingOnceSpaceIsBack() throws Exception {
    start("batch");
    long before = requests();
    Path filler = mount.resolve("filler");
    fill(filler);
    for (int i = 0; i < REQUESTS; i++) {
      assertThat(get("disk-" + i).status()).isEqualTo(200);
    }
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(requests()).as("nothing can be written while the disk is full")
            .isEqualTo(before));
    Files.delete(filler);
    await().atMost(Duration.ofSeconds(15)).until(() -> requests() == before + REQUESTS);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
        .until(() -> requests() == before + REQUESTS);
    assertIntegrityAfterStop();
  }

  @Test
  void diskFull_strictModeRefuses503_holdsOnlyTheAnswerItCouldNotRecord_andBillsItWhenSpaceIsBack() throws Exception {
    long before = strictWithFullDisk("60s");
    Path filler = mount.resolve("filler");
    CompletableFuture<Answer> held = CompletableFuture.supplyAsync(() -> get("strict-held"));
    await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.parse(tollgate.send("GET",
        tollgate.adminUri("/metrics"), null, Map.of()).text()).value("tollgate_metering_flush_failures_total") > 0);
    assertStoreUnavailable(get("strict-refused"));
    assertThat(held).as("the answer whose usage is not durable is held, never sent unbilled").isNotDone();
    assertThat(engine.started).doesNotContain("/v1/default/items/strict-refused");

    Files.delete(filler);
    assertThat(held.get(15, TimeUnit.SECONDS).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> get("strict-after").status() == 200);
    await().atMost(Duration.ofSeconds(5)).until(() -> requests() == before + 2);
    assertIntegrityAfterStop();
  }

  @Test
  void diskFull_strictPastTheCommitBound_everyRequestIsAnsweredAndBilledOnce_or503AndNotBilled() throws Exception {
    long before = strictWithFullDisk("1s");
    Path filler = mount.resolve("filler");

    Answer held = get("bound-held");
    assertStoreUnavailable(held); // admitted before the first failed write, held past the bound
    assertThat(engine.started).as("the engine did answer it; its answer was not sent")
        .contains("/v1/default/items/bound-held");
    assertStoreUnavailable(tollgate.send("GET", tollgate.gateUri("/v1/authorize"), null, Map.of("Authorization",
        "Bearer " + key, "X-Original-Method", "GET", "X-Original-URI", "/v1/default/items/bound-authorized")));

    AtomicInteger answered = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger(2);
    Load.run(THREADS, REQUESTS / THREADS, (thread, i) -> {
      if (thread == 0 && i == REQUESTS / THREADS / 2) {
        Files.delete(filler);
      }
      Answer a = get("bound-" + thread + "-" + i);
      if (a.status() == 200) {
        answered.incrementAndGet();
      } else {
        assertStoreUnavailable(a);
        refused.incrementAndGet();
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> get("bound-after").status() == 200);
    long expected = before + answered.get() + 1;
    await().atMost(Duration.ofSeconds(10)).until(() -> requests() == expected);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> requests() == expected);
    // every 503 is the gate's failure, against the customer's SLA: the held request, the authorization, and those
    // refused up front (counted against the customer the view would have let through), which waited in memory
    // since the spill file is on the full disk too
    JsonNode usage = tollgate.admin("GET", "/admin/customers/disk-1/usage").json();
    long storeFailures = usage.get("rejected").path("store_unavailable").asLong();
    assertThat(storeFailures).isEqualTo(refused.get());
    assertThat(usage.get("sla").get("failed_requests").asLong()).isEqualTo(storeFailures);
    assertThat(usage.get("sla").get("eligible_requests").asLong()).isEqualTo(expected + storeFailures);
    assertIntegrityAfterStop();
  }

  /** Starts in strict mode with that commit bound, bills one request, fills the disk; answers the requests billed. */
  private long strictWithFullDisk(String commitTimeout) throws Exception {
    start("strict", "  strict_commit_timeout: " + commitTimeout + "\n");
    assertThat(get("strict-warm").status()).isEqualTo(200);
    long billed = requests();
    fill(mount.resolve("filler"));
    return billed;
  }

  private static void assertStoreUnavailable(Answer a) {
    assertThat(a.status()).isEqualTo(503);
    assertThat(a.json().path("code").asText()).isEqualTo("store_unavailable");
    assertThat(a.header("Retry-After")).isEqualTo("1");
  }

  private long requests() {
    return tollgate.admin("GET", "/admin/customers/disk-1/usage").json().get("requests").asLong();
  }

  /** Writes {@code filler} until the file system has no space left. */
  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).containsIgnoringCase("space");
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
