package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.CliAssertions.ok;
import static io.tollgate.cli.admin.CliAssertions.usageError;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.cli.admin.CliProcess.Run;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CLI does without a server to talk to: help, completion, usage errors (exit 2), unreachable (exit 3). */
final class CliBasicsTest {
  @TempDir Path dir;

  @Test
  void help_ofASubcommand_exits0_andShowsAnExample() {
    Run run = ok(new CliProcess(Map.of(), dir).run("keys", "create", "--help"));

    assertThat(run.out()).startsWith("Usage: tollgate keys create").contains("Example:", "--admin-key-file")
        .doesNotContain("--admin-key ");
  }

  @Test
  void completion_printsABashScriptThatKnowsTheCommands() {
    Run run = ok(new CliProcess(Map.of(), dir).run("completion"));

    assertThat(run.out()).startsWith("#!/usr/bin/env bash").contains("customers", "keys", "usage", "complete -F");
  }

  @Test
  void unknownOption_isAUsageError_exit2() {
    usageError(new CliProcess(Map.of(), dir).run("customers", "list", "--colour"), "Unknown option: '--colour'");
  }

  @Test
  void noAdminKey_isAUsageError_exit2_namingWhereTheKeyComesFrom() {
    usageError(new CliProcess(Map.of(), dir).run("customers", "list"), "TOLLGATE_ADMIN_KEY");
  }

  @Test
  void unknownHost_exits3_andSaysSo() {
    Run run = CliProcess.against("http://nosuchhost.invalid:8081", "secret-admin-key-0123456789", dir)
        .run("customers", "get", "acme");

    assertThat(run.exit()).as("%s", run).isEqualTo(3);
    assertThat(run.err()).contains("cannot reach the Admin API", "unknown host").doesNotContain("connection refused");
  }

  @Test
  void unreachableServer_exits3_withTheUrlAndNoKey() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String key = "secret-admin-key-0123456789";
    Run run = CliProcess.against("http://127.0.0.1:" + port, key, dir).run("customers", "get", "acme");

    assertThat(run.exit()).as("%s", run).isEqualTo(3);
    assertThat(run.err()).contains("cannot reach the Admin API", "127.0.0.1:" + port, "connection refused");
    assertThat(run.all()).doesNotContain(key);
  }
}
