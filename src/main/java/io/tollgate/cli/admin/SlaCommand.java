package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.AdminClient.query;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tollgate sla report}: the customers whose SLA attainment is below their tier's target. */
@Command(name = "sla", mixinStandardHelpOptions = true,
    description = "SLA attainment per customer, from the usage documents.",
    footer = {"%nExample:", "  tollgate sla report --period 2026-11"})
final class SlaCommand {

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = {"Every customer below its SLA target for a period, worst first.",
          "Attainment is the share of eligible requests (answered, or failed with a 5xx that is not the "
              + "customer's) that did not fail; see docs/decisions.md. --json prints the usage document of every "
              + "customer as the server sends it (each with its sla)."},
      footer = {"%nExamples:", "  tollgate sla report --period 2026-11",
          "  tollgate sla report --period 2026 --json"})
  int report(@Mixin AdminOptions admin, @Mixin Output out,
      @Option(names = "--period", paramLabel = "PERIOD",
          description = "a UTC month (2026-11) or year (2026); default the current period of the default tier")
      String period) {
    return out.print(admin.client().get("/admin/usage", query("period", period)), UsageViews::belowSla);
  }
}
