package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's disk fills up under batch metering (the data directory on a small tmpfs, filled by a file): the gate
 * keeps answering, the usage it could not write waits in memory and is applied once space is back, nothing
 * answered is lost or counted twice, and the database passes {@code PRAGMA integrity_check}. Needs root (it mounts
 * the tmpfs); it fails, never skips, without.
 */
final class DiskFullTest {
  private static final int REQUESTS = 40;

  @TempDir static Path dir;
  static Path mount;
  static TestEngine engine;
  static RunningTollgate tollgate;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    mount = Files.createDirectories(dir.resolve("small-disk"));
    run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount.toString());
    engine = new TestEngine();
    Path config = dir.resolve("tollgate.yaml");
    Files.writeString(config, "gate:\n  engine: " + engine.url() + "\nmetering:\n  durability: batch\n"
        + "  flush_interval_ms: 50\n");
    tollgate = RunningTollgate.start(mount.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY),
        Optional.of(config));
    Answer a = tollgate.admin("POST", "/admin/customers", "{\"customer_id\":\"disk-1\",\"tier\":\"enterprise\"}");
    key = a.json().get("api_key").get("key").asText();
  }

  @AfterAll
  static void stop() throws Exception {
    if (tollgate != null) {
      tollgate.close();
    }
    if (engine != null) {
      engine.close();
    }
    run("umount", "-l", mount.toString());
  }

  @Test
  void diskFull_batchModeKeepsAnswering_andAppliesEverythingOnceSpaceIsBack() throws Exception {
    long before = requests();
    Path filler = mount.resolve("filler");
    fill(filler);
    for (int i = 0; i < REQUESTS; i++) {
      assertThat(tollgate.send("GET", tollgate.gateUri("/v1/default/items/disk-" + i), null,
          Map.of("Authorization", "Bearer " + key)).status()).isEqualTo(200);
    }
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(requests()).as("nothing can be written while the disk is full")
            .isEqualTo(before));
    Files.delete(filler);
    await().atMost(Duration.ofSeconds(15)).until(() -> requests() == before + REQUESTS);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
        .until(() -> requests() == before + REQUESTS);
    tollgate.close();
    tollgate = null;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + mount.resolve("data/tollgate.db"));
        ResultSet r = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("ok");
    }
  }

  private static long requests() {
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
