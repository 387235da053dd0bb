package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.text.ControlCharacters;
import java.io.PrintWriter;
import java.util.function.BiConsumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How a command prints its {@link Reply} (a picocli mixin): a human view on stdout, or with {@code --json} the
 * server's document as it came, only with any unprintable character as a JSON escape (the same value); refusals and
 * an unreachable server go to stderr only, escaped like the views ({@link Cells}).
 */
final class Output {
  @Option(names = "--json", description = "print the Admin API's JSON document as it is (for scripts)")
  boolean json;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** Prints {@code reply} ({@code human} renders a success) and returns the exit code. */
  int print(Reply reply, BiConsumer<JsonNode, PrintWriter> human) {
    PrintWriter out = spec.commandLine().getOut();
    switch (reply) {
      case Reply.Answered a when json -> out.println(ControlCharacters.escapeJson(a.text()));
      case Reply.Answered a -> human.accept(a.document(), out);
      case Reply.Streamed s -> { }
      case Reply.Refused r -> refused(r);
      case Reply.Unreachable u -> unreachable(u);
    }
    out.flush();
    if (out.checkError() | System.out.checkError()) {
      return unwritable(reply);
    }
    return reply.exitCode();
  }

  /**
   * Stdout could not be written (a full disk behind {@code > file}, a closed pipe): both print streams swallow the
   * error, so without this check a cut billing export or a lost key secret exited 0. Exit 2, as for an
   * {@code --output} file that cannot be written.
   */
  private int unwritable(Reply reply) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("tollgate: cannot write to standard output (disk full, or a closed pipe): the answer is lost or cut"
        + (reply.exitCode() == Reply.OK ? "; a change the server made stays made" : ""));
    err.flush();
    return Reply.USAGE;
  }

  void refused(Reply.Refused r) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(ControlCharacters.escape("tollgate: refused (" + r.status() + " " + r.code() + "): " + r.detail()));
    JsonNode errors = r.document().path("errors");
    if (errors.size() > 1) {
      errors.forEach(e -> err.println("  " + Cells.text(e.path("field")) + ": " + Cells.text(e.path("message"))));
    }
    err.flush();
  }

  void unreachable(Reply.Unreachable u) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("tollgate: cannot reach the Admin API (" + u.url() + "): " + u.reason());
    err.flush();
  }
}
