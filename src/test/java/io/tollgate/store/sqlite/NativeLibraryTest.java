package io.tollgate.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.store.sqlite.NativeLibrary.DriverDefault;
import io.tollgate.store.sqlite.NativeLibrary.Kept;
import io.tollgate.store.sqlite.NativeLibrary.Source;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library is extracted once into the store's directory, checked against the jar, reused by the next
 * start, extracted again when the copy is damaged or others could have changed it, and left to sqlite-jdbc when it
 * cannot be kept safely.
 */
final class NativeLibraryTest {
  @TempDir Path dir;
  private Path database;

  @BeforeEach
  void store() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    database = Files.createFile(dir.resolve("tollgate.db"));
  }

  @Test
  void keep_newStore_extractsTheJarsLibraryOnce() throws Exception {
    Kept first = kept(NativeLibrary.keep(database));
    assertThat(first.extracted()).isTrue();
    assertThat(first.library()).startsWith(dir.toRealPath().resolve(NativeLibrary.DIRECTORY));
    assertThat(first.library().getParent().getFileName().toString())
        .startsWith("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-");
    assertThat(Files.readAllBytes(first.library())).isEqualTo(jarsLibrary());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.library()))).isEqualTo("r-x------");
    FileTime written = Files.getLastModifiedTime(first.library());

    Kept second = kept(NativeLibrary.keep(database));
    assertThat(second).isEqualTo(new Kept(first.library(), false));
    assertThat(Files.getLastModifiedTime(second.library())).isEqualTo(written);
  }

  @Test
  void keep_afterADriverUpgrade_removesTheOldVersionsCopy() throws Exception {
    Path old = Files.createDirectories(dir.resolve(NativeLibrary.DIRECTORY).resolve("sqlite-jdbc-3.0.0.0-1234abcd"));
    Files.writeString(old.resolve(LibraryLoaderUtil.getNativeLibName()), "an older library");

    Path library = kept(NativeLibrary.keep(database)).library();

    try (Stream<Path> dirs = Files.list(dir.resolve(NativeLibrary.DIRECTORY))) {
      assertThat(dirs.map(d -> d.getFileName().toString())).containsExactly(library.getParent().getFileName().toString());
    }
  }

  @Test
  void keep_damagedCopy_extractsItAgain() throws Exception {
    Path library = kept(NativeLibrary.keep(database)).library();
    Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-------"));
    byte[] damaged = jarsLibrary();
    damaged[damaged.length / 2] ^= 1;
    Files.write(library, damaged);

    assertThat(kept(NativeLibrary.keep(database))).isEqualTo(new Kept(library, true));
    assertThat(Files.readAllBytes(library)).isEqualTo(jarsLibrary());
  }

  @Test
  void keep_copyWritableByOthers_extractsAFreshOne() throws Exception {
    Path library = kept(NativeLibrary.keep(database)).library();
    Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThat(kept(NativeLibrary.keep(database))).isEqualTo(new Kept(library, true));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(library))).isEqualTo("r-x------");
  }

  @Test
  void keep_storeDirectoryWritableByOthers_leavesItToTheDriver() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThat(NativeLibrary.keep(database)).isInstanceOf(DriverDefault.class);
    assertThat(dir.resolve(NativeLibrary.DIRECTORY)).doesNotExist();
  }

  @Test
  void keep_nothingCanBeWrittenThere_leavesItToTheDriver() throws Exception {
    Files.writeString(dir.resolve(NativeLibrary.DIRECTORY), "a file where the directory would go");

    assertThat(NativeLibrary.keep(database)).isInstanceOf(DriverDefault.class);
  }

  @Test
  void keep_manyStartsAtOnce_eachGetsAnIntactCopy() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Source> sources = new ArrayList<>();
    try {
      List<Future<Source>> calls = new ArrayList<>();
      Callable<Source> keep = () -> NativeLibrary.keep(database);
      for (int i = 0; i < 6; i++) {
        calls.add(pool.submit(keep));
      }
      for (Future<Source> call : calls) {
        sources.add(call.get());
      }
    } finally {
      pool.shutdown();
    }
    assertThat(sources).allMatch(s -> s instanceof Kept);
    Path library = ((Kept) sources.get(0)).library();
    assertThat(sources).allMatch(s -> ((Kept) s).library().equals(library));
    assertThat(Files.readAllBytes(library)).isEqualTo(jarsLibrary());
    try (Stream<Path> files = Files.list(library.getParent())) {
      assertThat(files).containsExactly(library); // no temporary file left behind
    }
  }

  private static Kept kept(Source source) {
    assertThat(source).isInstanceOf(Kept.class);
    return (Kept) source;
  }

  private static byte[] jarsLibrary() throws Exception {
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName())) {
      return in.readAllBytes();
    }
  }
}
