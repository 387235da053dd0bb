package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command of the command line answers {@code --help} with exit 0 and an example that fits the screen. */
final class CliHelpTest {

  @Test
  void help_everyCommand_exits0_withAnExampleThatFitsEightyColumns() {
    List<CommandLine> commands = new ArrayList<>();
    collect(Main.commandLine(), commands);
    assertThat(commands).extracting(c -> c.getCommandSpec().qualifiedName(" "))
        .contains("tollgate customers list", "tollgate keys rotate", "tollgate namespaces remove",
            "tollgate usage export", "tollgate usage daily", "tollgate tiers", "tollgate audit", "tollgate reload",
            "tollgate health", "tollgate completion");

    for (CommandLine command : commands) {
      String name = command.getCommandSpec().qualifiedName(" ");
      StringWriter out = new StringWriter();
      CommandLine root = Main.commandLine();
      root.setOut(new PrintWriter(out));
      List<String> args = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
      args.add("--help");

      int exit = root.execute(args.toArray(String[]::new));

      assertThat(exit).as(name).isZero();
      assertThat(out.toString()).as(name).startsWith("Usage: " + name).contains("Example");
      // picocli wraps a longer footer line in the middle of the example
      assertThat(command.getCommandSpec().usageMessage().footer()).as(name)
          .allSatisfy(line -> assertThat(String.format(line).strip().length()).isLessThanOrEqualTo(78));
    }
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    if (command.getCommandSpec().usageMessage().hidden() || command.getCommandName().equals("help")) {
      return;
    }
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
