package io.tollgate.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RunningTollgate} shared by the tests of a class, in a fresh data directory:
 * {@code @RegisterExtension static final SharedTollgate server = new SharedTollgate();}, then {@code server.get()}.
 */
public final class SharedTollgate implements BeforeAllCallback, AfterAllCallback {
  private final Optional<String> configYaml;
  private Path dir;
  private RunningTollgate tollgate;

  /** With the defaults and only the test admin key. */
  public SharedTollgate() {
    this.configYaml = Optional.empty();
  }

  /** With {@code configYaml} as the configuration file (the test admin key still comes from the environment). */
  public SharedTollgate(String configYaml) {
    this.configYaml = Optional.of(configYaml);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("tollgate-test");
    if (configYaml.isEmpty()) {
      tollgate = RunningTollgate.start(dir.resolve("data"));
      return;
    }
    Path file = Files.writeString(dir.resolve("tollgate.yaml"), configYaml.get());
    tollgate = RunningTollgate.start(dir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY),
        Optional.of(file));
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
