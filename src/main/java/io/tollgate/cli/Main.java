package io.tollgate.cli;

import io.tollgate.cli.admin.AdminCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Every command, {@code help} last. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    AdminCommands.addTo(cli);
    cli.addSubcommand(new CommandLine.HelpCommand());
    return cli;
  }
}
