package io.tollgate.cli.admin;

import java.lang.reflect.Method;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * The operator commands that talk to a running Tollgate's Admin API over HTTP ({@code customers}, {@code keys},
 * {@code namespaces}, {@code usage}, {@code sla}, {@code webhooks}, {@code tiers}, {@code audit}, {@code reload},
 * {@code health}) and {@code completion}. Exit codes: 0 ok, 1 refused by the server, 2 usage error, 3 server unreachable.
 */
public final class AdminCommands {
  private AdminCommands() {}

  /** Adds every operator command, and {@code completion}, to {@code root}. */
  public static void addTo(CommandLine root) {
    root.addSubcommand(new CustomersCommand());
    root.addSubcommand(new KeysCommand());
    root.addSubcommand(new NamespacesCommand());
    root.addSubcommand(new UsageCommand());
    root.addSubcommand(new WebhooksCommand());
    root.addSubcommand(new SlaCommand());
    for (Method command : CommandLine.getCommandMethods(ServerCommands.class, null)) {
      root.addSubcommand(new CommandLine(command));
    }
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion()).setCommandName("completion");
    completion.getCommandSpec().usageMessage().hidden(false)
        .description("Print a bash/zsh completion script for tollgate.")
        .footer("%nExamples:", "  source <(tollgate completion)",
            "  tollgate completion > /etc/bash_completion.d/tollgate");
    root.addSubcommand("completion", completion);
  }
}
