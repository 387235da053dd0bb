package io.tollgate.cli;

import io.tollgate.config.ConfigLoader;
import io.tollgate.config.InvalidConfigException;
import io.tollgate.config.TollgateConfig;
import io.tollgate.store.StoreUnavailableException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tollgate serve}: runs the gate and admin listeners until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the gate and the Admin API.%nExample: tollgate serve --config tollgate.yaml")
final class ServeCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, description = "YAML configuration file (or TOLLGATE_CONFIG)")
  Path config;

  @Override
  public Integer call() throws Exception {
    Optional<Path> file = Optional.ofNullable(config)
        .or(() -> Optional.ofNullable(System.getenv("TOLLGATE_CONFIG")).filter(s -> !s.isBlank()).map(Path::of));
    TollgateConfig cfg;
    try {
      cfg = ConfigLoader.load(file, System.getenv());
    } catch (InvalidConfigException e) {
      System.err.println("tollgate: invalid configuration: " + e.getMessage());
      return 2;
    }
    Server server;
    try {
      server = Server.start(cfg, System.getenv(), System.out);
    } catch (InvalidConfigException e) {
      System.err.println("tollgate: invalid configuration: " + e.getMessage());
      return 2;
    } catch (StoreUnavailableException e) {
      System.err.println("tollgate: cannot open the store: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tollgate-shutdown"));
    server.awaitStop();
    return 0;
  }
}
