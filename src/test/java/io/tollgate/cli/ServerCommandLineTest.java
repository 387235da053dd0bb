package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line of a server command ({@code serve}, {@code demo}, {@code aot-train}) holds that one command, so
 * that a start does not read every other command's annotations, and answers as the full command line does.
 */
final class ServerCommandLineTest {

  @Test
  void serverCommand_parsesAndAnswers_exactlyAsTheFullCommandLine() {
    List<List<String>> cases = List.of(List.of("serve", "--help"), List.of("serve", "-h"), List.of("serve", "-V"),
        List.of("serve", "--bogus"), List.of("serve", "-c"), List.of("serve", "--config"),
        List.of("serve", "extra", "words"), List.of("serve", "--conf=x.yaml", "--helpp"), List.of("demo", "--help"),
        List.of("demo", "--engine-port", "not-a-number"), List.of("demo", "--version"), List.of("aot-train", "--help"),
        List.of("aot-train", "--seconds", "z"), List.of("serve", "customers", "list"));
    for (List<String> args : cases) {
      String[] argv = args.toArray(String[]::new);

      assertThat(run(Main.commandLine(argv), argv)).as(String.join(" ", args)).isEqualTo(run(Main.commandLine(), argv));
    }
  }

  @Test
  void serverCommand_buildsOnlyItsOwnCommand_otherCommandsTheFullOne() {
    assertThat(Main.commandLine(new String[] {"serve", "--config", "t.yaml"}).getSubcommands()).containsOnlyKeys("serve");
    assertThat(Main.commandLine(new String[] {"demo"}).getSubcommands()).containsOnlyKeys("demo");
    assertThat(Main.commandLine(new String[] {"aot-train"}).getSubcommands()).containsOnlyKeys("aot-train");
    assertThat(Main.commandLine(new String[] {"customers", "list"}).getSubcommands())
        .containsKeys("serve", "customers", "keys", "help");
    assertThat(Main.commandLine(new String[0]).getSubcommands()).containsKeys("serve", "customers");
    assertThat(Main.commandLine(new String[] {"--help"}).getSubcommands()).containsKeys("serve", "customers");
  }

  /** Exit code, stdout and stderr of {@code cli} for {@code args} (none of the cases starts a server). */
  private static String run(CommandLine cli, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return "exit " + exit + "\nout:\n" + out + "\nerr:\n" + err;
  }
}
