package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tollgate serve} on SQLite, as an operator runs it: the driver's native library is loaded from the copy kept
 * in the data directory, not extracted to the temporary directory, and a restart reuses that copy.
 */
final class NativeLibraryAcrossStartsTest {
  @TempDir Path dir;

  @Test
  void serve_sqliteStore_loadsTheNativeLibraryKeptInTheDataDirectory_notFromTmp() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    try (TestEngine engine = new TestEngine();
        TollgateProcess tollgate = TollgateProcess.start(Files.createDirectories(dir.resolve("node")),
            "gate:\n  engine: " + engine.url() + "\n", List.of("-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp))) {
      Path library = keptLibrary(tollgate.dataDir());
      assertThat(entries(tmp)).noneMatch(name -> name.startsWith("sqlite-"));
      FileTime written = Files.getLastModifiedTime(library);

      tollgate.terminate();
      tollgate.awaitExit(Duration.ofSeconds(60));
      tollgate.restart();

      assertThat(keptLibrary(tollgate.dataDir())).isEqualTo(library);
      assertThat(Files.getLastModifiedTime(library)).isEqualTo(written);
      assertThat(entries(tmp)).noneMatch(name -> name.startsWith("sqlite-"));
    }
  }

  private static Path keptLibrary(Path dataDir) throws Exception {
    try (Stream<Path> files = Files.walk(dataDir.resolve("native"))) {
      List<Path> libraries = files.filter(Files::isRegularFile).toList();
      assertThat(libraries).hasSize(1);
      assertThat(libraries.get(0).getFileName().toString()).startsWith("libsqlitejdbc");
      return libraries.get(0);
    }
  }

  private static List<String> entries(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
