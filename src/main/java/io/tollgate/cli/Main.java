package io.tollgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tollgate} command line: {@code serve} runs the server. */
@Command(name = "tollgate", mixinStandardHelpOptions = true, version = "tollgate 0.1.0",
    description = "A self-hosted API gate: keys, tiers, limits, quotas and metering in front of your engine.",
    subcommands = {ServeCommand.class, DemoCommand.class, BenchEngineCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
