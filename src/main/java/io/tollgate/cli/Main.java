package io.tollgate.cli;

import io.tollgate.cli.admin.AdminCommands;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code tollgate} command line: {@code serve} runs the server, the operator commands ({@link AdminCommands})
 * talk to a running one's Admin API.
 */
@Command(name = "tollgate", mixinStandardHelpOptions = true, version = "tollgate 0.1.0",
    description = "A self-hosted API gate: keys, tiers, limits, quotas and metering in front of your engine.",
    subcommands = {ServeCommand.class, DemoCommand.class, MigrateCommand.class, BenchEngineCommand.class,
        AotTrainCommand.class},
    footer = {"%nExamples:", "  tollgate serve --config tollgate.yaml", "  tollgate customers list",
        "  tollgate keys create --help",
        "  tollgate migrate --from sqlite:data/tollgate.db --to jdbc:postgresql://…"})
public final class Main {
  /**
   * The commands that start a server, by name: their start does not build the model of every other command (picocli
   * reads the annotations of about 60 commands by reflection, a quarter of the CPU a start of {@code serve} took
   * before it listened; docs/performance.md, "Warm-up after a start").
   */
  private static final Map<String, Supplier<Object>> SERVERS =
      Map.of("serve", ServeCommand::new, "demo", DemoCommand::new, "aot-train", AotTrainCommand::new);

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /**
   * The command line that runs {@code args}: for a server command ({@link #SERVERS}) a {@code tollgate} with that one
   * subcommand, which parses, answers {@code --help} and reports errors exactly as the full one does; else
   * {@link #commandLine()}.
   */
  static CommandLine commandLine(String[] args) {
    return Optional.ofNullable(args.length == 0 ? null : SERVERS.get(args[0])).map(server -> {
      CommandLine cli = new CommandLine(CommandSpec.create().name("tollgate"));
      cli.addSubcommand(args[0], server.get());
      return cli;
    }).orElseGet(Main::commandLine);
  }

  /** Every command, {@code help} last. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    AdminCommands.addTo(cli);
    cli.addSubcommand(new CommandLine.HelpCommand());
    return cli;
  }
}
