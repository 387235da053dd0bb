package io.tollgate.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RunningTollgate} shared by the tests of a class, in a fresh data directory:
 * {@code @RegisterExtension static final SharedTollgate server = new SharedTollgate();}, then {@code server.get()}.
 */
public final class SharedTollgate implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private RunningTollgate tollgate;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("tollgate-test");
    tollgate = RunningTollgate.start(dir.resolve("data"));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    tollgate.close();
    deleteTree(dir);
  }

  /** Deletes {@code dir} and everything in it. */
  public static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The running server (between the class's first and last test). */
  public RunningTollgate get() {
    return tollgate;
  }
}
