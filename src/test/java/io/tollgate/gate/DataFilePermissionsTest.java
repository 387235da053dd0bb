package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.store.CapturedLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outside systemd (whose unit sets {@code UMask=0077}) the umask is typically 022, which leaves new files 0644 and
 * directories 0755: Tollgate creates its data directory 0700 and every file it writes 0600 all the same, and
 * tightens its own files that an earlier version left readable.
 */
final class DataFilePermissionsTest {
  private static final String ACCESS_LOG = "access_log:\n  target: file\n  max_file_size: 64KiB\n  max_files: 2\n";

  @TempDir Path dir;

  /** The real permissions of every file and directory under {@code root}, by path relative to it. */
  private static Map<String, String> permissions(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        out.put(root.relativize(p).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
      }
    }
    return out;
  }

  private static void assertUmaskLeavesFilesReadableByOthers(Path dir) throws IOException {
    Path control = Files.createFile(dir.resolve("control"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(control)))
        .as("this test needs a umask such as 022 that lets others read new files").isEqualTo("rw-r--r--");
    Files.delete(control);
  }

  @Test
  void start_underUmask022_createsTheDataDirectory0700AndEveryFileInIt0600_rolledAccessLogsToo() throws Exception {
    assertUmaskLeavesFilesReadableByOthers(dir);
    Path data = dir.resolve("data");
    try (GateFixture f = GateFixture.start(dir, ACCESS_LOG, Map.of())) {
      String key = f.customer("{\"customer_id\":\"perm-co\"}");
      for (int i = 0; i < 400 && !Files.exists(data.resolve("access.log.1")); i++) {
        f.gate("GET", "/v1/default/items/x", key);
      }
      // a line after the roll, so that the new access.log has one to be written (the roll may have come with the
      // last line of the loop)
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        f.gate("GET", "/v1/default/items/x", key);
        return Files.exists(data.resolve("access.log.1")) && Files.size(data.resolve("access.log")) > 0;
      });

      Map<String, String> modes = permissions(data);
      assertThat(modes.keySet()).contains("tollgate.db", "tollgate.db-wal", "tollgate.db-shm", "hmac.key", "node.id",
          "access.log", "access.log.1", "spill", "spill/usage-spill.lock");
      modes.forEach((path, mode) -> assertThat(mode).as(path.isEmpty() ? "the data directory" : path)
          .isEqualTo(path.isEmpty() || path.equals("spill") ? "rwx------" : "rw-------"));
    }
  }

  @Test
  void start_onFilesAnEarlierVersionLeftReadable_tightensThem_andWarnsOfTheOpenDirectoryWithoutChangingIt()
      throws Exception {
    Path data = dir.resolve("data");
    try (GateFixture f = GateFixture.start(dir, ACCESS_LOG, Map.of())) {
      f.gate("GET", "/v1/default/items/x", f.customer("{\"customer_id\":\"perm-old\"}"));
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(data.resolve("access.log")) > 0);
    }
    Files.writeString(data.resolve("access.log.1"), "{}\n");
    List<String> files = List.of("tollgate.db", "hmac.key", "node.id", "access.log", "access.log.1");
    for (String name : files) {
      Files.setPosixFilePermissions(data.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
    }
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

    try (CapturedLogs logs = new CapturedLogs(); GateFixture f = GateFixture.start(dir, ACCESS_LOG, Map.of())) {
      Map<String, String> modes = permissions(data);
      for (String name : files) {
        assertThat(modes.get(name)).as(name).isEqualTo("rw-------");
      }
      assertThat(modes.get("")).as("a directory that exists is not changed").isEqualTo("rwxr-xr-x");
      assertThat(logs.texts()).anySatisfy(l -> assertThat(l).contains(data.toString()).contains("rwxr-xr-x")
          .contains("chmod 700"));
    }
  }
}
