package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.CliAssertions.ok;
import static io.tollgate.cli.admin.CliAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate;
import io.tollgate.cli.admin.CliProcess.Run;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text the Admin API refuses today may already be stored (from before, or written into the database directly):
 * the CLI prints every control, bidi and other unprintable character as an escape, never raw, so that a name
 * cannot clear the screen, forge a table row or reorder a line.
 */
final class CliEscapingTest {
  /** Clears the screen, moves to the line's start to overwrite it, and reverses what follows. */
  private static final String EVIL = "Evil\u001b[2J\u001b[H\rFAKE  Row\u202Eabc\u0007\u009b31m\u2028end";

  @TempDir Path dir;

  @Test
  void customerAndKeyFields_storedWithControlCharacters_printEscaped_inViewsAndJson_andTheApiRefusesThem()
      throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> env = Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);
    try (RunningTollgate t = RunningTollgate.start(data, env, Optional.empty())) {
      assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":\"esc-1\",\"name\":\"Plain\"}").status())
          .isEqualTo(201);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tollgate.db"));
        PreparedStatement customer = c.prepareStatement(
            "UPDATE customers SET name = ?, email = ?, metadata = ? WHERE customer_id = 'esc-1'");
        PreparedStatement key = c.prepareStatement("UPDATE api_keys SET name = ? WHERE customer_id = 'esc-1'")) {
      customer.setString(1, EVIL);
      customer.setString(2, "ops\u001b]0;owned\u0007@acme.example");
      customer.setString(3, "{\"note\\u202e\":\"x\\u001by\",\"n\":\"\\u001b[31m\"}");
      assertThat(customer.executeUpdate()).isEqualTo(1);
      key.setString(1, EVIL);
      assertThat(key.executeUpdate()).isEqualTo(1);
    }
    try (RunningTollgate t = RunningTollgate.start(data, env, Optional.empty())) {
      CliProcess cli = CliProcess.against(t.adminUri("").toString(), RunningTollgate.ADMIN_KEY, dir);

      Run list = ok(cli.run("customers", "list"));
      assertEscaped(list.out());
      assertThat(list.out()).contains("Evil\\u001b[2J\\u001b[H\\u000dFAKE  Row\\u202eabc\\u0007\\u009b31m\\u2028end");
      assertThat(list.out().lines()).hasSize(2); // the header and one row: nothing forged

      Run get = ok(cli.run("customers", "get", "esc-1"));
      assertEscaped(get.out());
      assertThat(get.out()).contains("ops\\u001b]0;owned\\u0007@acme.example", "note\\u202e");

      Run keys = ok(cli.run("keys", "list", "esc-1"));
      assertEscaped(keys.out());
      assertThat(keys.out()).contains("Evil\\u001b[2J");
      assertThat(keys.out().lines()).hasSize(2);

      Run json = ok(cli.run("customers", "get", "esc-1", "--json"));
      assertEscaped(json.out());
      assertThat(json.json().path("name").asText()).isEqualTo(EVIL); // the same JSON value, escaped

      Run refusal = refused(cli.run("customers", "create", "--id", "esc-2", "--name", EVIL), "validation_failed");
      assertEscaped(refusal.err());
      assertThat(refusal.err()).contains("name: must not contain control characters");
    }
  }

  private static void assertEscaped(String printed) {
    assertThat(printed.codePoints().filter(cp -> cp != '\n' && io.tollgate.text.ControlCharacters.isUnprintable(cp)))
        .as(printed).isEmpty();
  }
}
