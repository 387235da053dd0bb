package io.tollgate.cli.admin;

import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.SharedTollgate;
import io.tollgate.cli.admin.CliProcess.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Tollgate in this JVM, shared by the tests of a class ({@code @RegisterExtension static}), and a CLI
 * aimed at its Admin API with the test admin key. With a configuration, it is written to {@link #configFile()}.
 */
final class CliServer implements BeforeAllCallback, AfterAllCallback {
  private final Optional<String> configYaml;
  private Path dir;
  private RunningTollgate tollgate;
  private CliProcess cli;

  CliServer() {
    this(Optional.empty());
  }

  CliServer(Optional<String> configYaml) {
    this.configYaml = configYaml;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("tollgate-cli-test");
    Optional<Path> config = Optional.empty();
    if (configYaml.isPresent()) {
      config = Optional.of(Files.writeString(configFile(), configYaml.get()));
    }
    tollgate = RunningTollgate.start(dir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY),
        config);
    cli = CliProcess.against(tollgate.adminUri("").toString(), RunningTollgate.ADMIN_KEY, dir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    tollgate.close();
    SharedTollgate.deleteTree(dir);
  }

  /** Runs {@code tollgate ARGS} as a separate process. */
  Run run(String... args) {
    return cli.run(args);
  }

  CliProcess cli() {
    return cli;
  }

  RunningTollgate tollgate() {
    return tollgate;
  }

  /** A directory of this class's tests (the CLI's working directory). */
  Path dir() {
    return dir;
  }

  Path configFile() {
    return dir.resolve("tollgate.yaml");
  }
}
