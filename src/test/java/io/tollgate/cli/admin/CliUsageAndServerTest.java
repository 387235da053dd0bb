package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.CliAssertions.ok;
import static io.tollgate.cli.admin.CliAssertions.refused;
import static io.tollgate.cli.admin.CliAssertions.usageError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.cli.admin.CliProcess.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code usage}, {@code usage daily|export}, {@code tiers}, {@code audit}, {@code reload} and {@code health}. */
final class CliUsageAndServerTest {
  private static final String CONFIG = "default_tier: starter\n";

  @RegisterExtension
  static final CliServer server = new CliServer(Optional.of(CONFIG));

  @BeforeAll
  static void customer() {
    assertThat(server.tollgate().admin("POST", "/admin/customers", "{\"customer_id\":\"usage-co\"}").status())
        .isEqualTo(201);
  }

  @Test
  void usage_ofOneCustomer_printsTheDocument_andOfEveryCustomerAsJson() {
    Run one = ok(server.run("usage", "usage-co", "--period", "2026"));
    assertThat(one.out()).containsPattern("customer_id\\s+usage-co").containsPattern("period\\s+2026 ")
        .containsPattern("quota\\s+2000000 units / year").contains("rate_limited 0");

    JsonNode all = ok(server.run("usage", "--period", "2026-01", "--json")).json();
    assertThat(all.path("period").asText()).isEqualTo("2026-01");
    assertThat(all.path("customers").findValuesAsText("customer_id")).contains("usage-co");
  }

  @Test
  void usageDaily_json_isTheServersSeries() {
    JsonNode daily = ok(server.run("usage", "daily", "usage-co", "--from", "2026-01-01", "--to", "2026-01-31",
        "--json")).json();
    assertThat(daily.path("customer_id").asText()).isEqualTo("usage-co");
    assertThat(daily.path("from").asText()).isEqualTo("2026-01-01");
    assertThat(daily.path("days").isArray()).isTrue();
  }

  @Test
  void usageExport_streamsCsvToStdout_andJsonToAFile() throws IOException {
    Run csv = ok(server.run("usage", "export", "--period", "2026"));
    assertThat(csv.out()).startsWith("customer_id,period,period_start,period_end,operation,units,requests");

    Path file = server.dir().resolve("export.json");
    Run toFile = ok(server.run("usage", "export", "--format", "json", "--period", "2026-01", "--output",
        file.toString()));
    assertThat(toFile.out()).contains("wrote", file.toString());
    JsonNode export = new ObjectMapper().readTree(file.toFile());
    assertThat(export.path("period").asText()).isEqualTo("2026-01");
    assertThat(export.path("rows").isArray()).isTrue();
  }

  @Test
  void usageExport_jsonFlag_printsTheJsonExport_andAnUnwritableFileIsAUsageError() {
    JsonNode export = ok(server.run("usage", "export", "--period", "2026", "--json")).json();
    assertThat(export.path("rows").isArray()).isTrue();
    usageError(server.run("usage", "export", "--json", "--format", "csv"), "--json");

    Run unwritable = server.run("usage", "export", "--output", "/nonexistent/dir/x.csv");
    assertThat(unwritable.exit()).isEqualTo(2);
    assertThat(unwritable.err()).startsWith("tollgate: cannot write /nonexistent/dir/x.csv").doesNotContain("\tat ");
  }

  /**
   * {@code tollgate usage export > usage.csv} on a full disk: stdout's print stream swallows the write error, so
   * the export exited 0 with a cut (here empty) file, for CSV and JSON alike, and so did every other view.
   */
  @Test
  void usageExport_toAStdoutThatCannotBeWritten_exits2AndSaysSo() {
    Path full = Path.of("/dev/full");
    for (String format : new String[] {"csv", "json"}) {
      Run run = server.cli().runWritingStdoutTo(full, "usage", "export", "--format", format, "--period", "2026");
      usageError(run, "cannot write to standard output");
    }
    usageError(server.cli().runWritingStdoutTo(full, "usage", "usage-co"), "cannot write to standard output");
  }

  /**
   * {@code --output} on a disk with no space left: the write failure used to be taken for the connection's (exit 3,
   * {@code cannot reach the Admin API ... No space left on device}); it is the usage error that cli.md promises for
   * an {@code --output} file that cannot be written, and no file or part is left. Needs root (it mounts a tmpfs).
   */
  @Test
  void usageExport_toAFileOnAFullDisk_isAUsageError_andLeavesNoFile() throws Exception {
    Path disk = Files.createDirectories(server.dir().resolve("full-disk"));
    command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString());
    try {
      try (var filler = Files.newOutputStream(disk.resolve("filler"))) {
        byte[] block = new byte[4096];
        for (int i = 0; i < 1024; i++) {
          filler.write(block);
        }
        throw new AssertionError("a 64 KiB tmpfs took 4 MiB");
      } catch (IOException full) {
        assertThat(full.getMessage()).containsIgnoringCase("space");
      }
      Path file = disk.resolve("usage.csv");

      Run run = server.run("usage", "export", "--period", "2026", "--output", file.toString());

      usageError(run, "tollgate: cannot write " + file);
      assertThat(run.err()).doesNotContain("cannot reach");
      assertThat(file).doesNotExist();
      assertThat(disk.toFile().list((d, name) -> name.endsWith(".part"))).isEmpty();
    } finally {
      command("umount", disk.toString());
    }
  }

  private static void command(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }

  @Test
  void usageExport_invalidPeriod_isRefused_andLeavesNoFile() {
    Path file = server.dir().resolve("refused.csv");

    Run run = refused(server.run("usage", "export", "--period", "2026-13", "--output", file.toString()),
        "validation_failed");

    assertThat(run.err()).contains("422", "period");
    assertThat(file).doesNotExist();
    assertThat(server.dir().toFile().list((d, name) -> name.endsWith(".part"))).isEmpty();
  }

  @Test
  void tiers_json_isTheCatalog_andTheTableNamesEveryTier() {
    JsonNode tiers = ok(server.run("tiers", "--json")).json();
    assertThat(tiers.path("default_tier").asText()).isEqualTo("starter");
    assertThat(tiers.path("tiers").findValuesAsText("name")).contains("starter", "growth", "enterprise");
  }

  @Test
  void audit_json_listsTheChangesOfOneCustomer_andAnInvalidLimitIsRefused() {
    JsonNode audit = ok(server.run("audit", "--customer", "usage-co", "--json")).json();
    assertThat(audit.path("entries").findValuesAsText("action")).contains("customer.create", "key.create");
    assertThat(audit.path("entries").findValuesAsText("customer_id")).containsOnly("usage-co");

    refused(server.run("audit", "--limit", "0"), "validation_failed");
  }

  @Test
  void audit_table_showsWhichApiMadeEachChange() {
    assertThat(server.tollgate().admin("POST", "/gate/onboard/create", "{\"tenant_id\":\"compat-co\"}").status())
        .isEqualTo(201);
    assertThat(server.tollgate().admin("POST", "/admin/customers", "{\"customer_id\":\"api-co\"}").status())
        .isEqualTo(201);

    Run compat = ok(server.run("audit", "--customer", "compat-co"));
    assertThat(compat.out().lines().findFirst().orElseThrow())
        .containsPattern("ID\\s+AT\\s+ACTOR\\s+VIA\\s+ACTION\\s+CUSTOMER_ID");
    assertThat(compat.out()).containsPattern("adm_\\S+\\s+compat\\s+customer\\.create\\s+compat-co")
        .containsPattern("adm_\\S+\\s+compat\\s+key\\.create\\s+compat-co")
        .doesNotContain("admin_api");

    Run api = ok(server.run("audit", "--customer", "api-co"));
    assertThat(api.out()).containsPattern("adm_\\S+\\s+admin_api\\s+customer\\.create\\s+api-co")
        .doesNotContain(" compat ");
  }

  @Test
  void reload_swapsInAValidConfiguration_andRefusesAnInvalidOneWithItsReason() throws IOException {
    Files.writeString(server.configFile(), "default_tier: no-such-tier\n");
    try {
      Run bad = refused(server.run("reload"), "invalid_configuration");
      assertThat(bad.err()).contains("422", "default_tier");
    } finally {
      Files.writeString(server.configFile(), CONFIG);
    }

    Run good = ok(server.run("reload"));
    assertThat(good.out()).startsWith("reloaded: ").contains("customers", "tiers", "routes");

    JsonNode audit = ok(server.run("audit", "--limit", "2", "--json")).json();
    assertThat(audit.path("entries").findValuesAsText("action"))
        .containsExactly("registry.reload", "registry.reload.refused");
    assertThat(audit.path("entries").findValuesAsText("actor")).allSatisfy(a -> assertThat(a).startsWith("adm_"));
    assertThat(audit.path("entries").get(1).path("changes").path("reason").path("after").asText())
        .contains("default_tier");
  }

  @Test
  void health_needsNoAdminKey_andTheAdminKeyFileIsReadTrimmed() throws IOException {
    CliProcess noKey = server.cli().withEnv(Map.of("TOLLGATE_ADMIN_URL", server.tollgate().adminUri("").toString()));
    assertThat(ok(noKey.run("health")).out()).startsWith("status ok, store ok");

    Path keyFile = server.dir().resolve("admin.key");
    Files.writeString(keyFile, "  " + RunningTollgate.ADMIN_KEY + "\n");
    JsonNode tiers = ok(noKey.run("tiers", "--admin-key-file", keyFile.toString(), "--json")).json();
    assertThat(tiers.path("tiers").isArray()).isTrue();

    Files.writeString(keyFile, "not-the-admin-key-0123456789\n");
    Run wrong = refused(noKey.run("tiers", "--admin-key-file", keyFile.toString()), "unauthorized");
    assertThat(wrong.all()).doesNotContain("not-the-admin-key");
  }
}
