package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.CliAssertions.ok;
import static io.tollgate.cli.admin.CliAssertions.refused;
import static io.tollgate.cli.admin.CliAssertions.secretIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.cli.admin.CliProcess.Run;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tollgate keys ...} as separate processes: a new key's secret is printed once and never again. */
final class CliKeysTest {
  @RegisterExtension
  static final CliServer server = new CliServer();

  private static void customer(String id) {
    String body = "{\"customer_id\":\"" + id + "\",\"namespaces\":[\"default\",\"staging\"]}";
    assertThat(server.tollgate().admin("POST", "/admin/customers", body).status()).isEqualTo(201);
  }

  @Test
  void keysCreate_printsSecretOnce_andListGetAuditUsageNeverShowIt() {
    customer("secret-co");

    Run created = ok(server.run("keys", "create", "secret-co", "--name", "ci", "--environment", "test",
        "--namespace", "staging", "--expires-at", "2099-12-31T23:59:59Z"));
    String secret = secretIn(created.out());
    assertThat(secret).startsWith("tg_test_");
    assertThat(created.out()).containsOnlyOnce(secret).contains(KeyViews.SECRET_LABEL + secret)
        .contains("ci", "staging", "2099-12-31T23:59:59");
    String keyId = server.tollgate().admin("GET", "/admin/customers/secret-co/keys").json().path("keys").get(1)
        .path("key_id").asText();

    Run list = ok(server.run("keys", "list", "secret-co"));
    Run listJson = ok(server.run("keys", "list", "secret-co", "--json"));
    Run get = ok(server.run("keys", "get", "secret-co", keyId, "--json"));
    Run audit = ok(server.run("audit", "--customer", "secret-co"));
    Run usage = ok(server.run("usage", "secret-co"));

    assertThat(list.out()).contains(keyId, "ci", "tg_test_").contains("active");
    assertThat(listJson.json().path("keys")).hasSize(2).allSatisfy(k -> assertThat(k.has("key")).isFalse());
    assertThat(get.json().path("key_id").asText()).isEqualTo(keyId);
    assertThat(get.json().has("key")).isFalse();
    assertThat(audit.out()).contains("key.create", keyId);
    String everything = Stream.of(created, list, listJson, get, audit, usage).map(Run::all)
        .reduce("", String::concat);
    assertThat(everything).containsOnlyOnce(secret).doesNotContain(RunningTollgate.ADMIN_KEY);
  }

  /**
   * A key created while stdout cannot be written (a full disk behind {@code > key.txt}): its secret, shown only
   * once, is lost, and the command used to exit 0 as if it had been printed. It exits 2, says so, and the secret is
   * not printed anywhere else (stderr goes to logs).
   */
  @Test
  void keysCreate_toAStdoutThatCannotBeWritten_exits2_andNeverPrintsTheSecretElsewhere() {
    customer("lost-secret");

    Run run = server.cli().runWritingStdoutTo(java.nio.file.Path.of("/dev/full"), "keys", "create", "lost-secret",
        "--name", "ci");

    assertThat(run.exit()).as("%s", run).isEqualTo(2);
    assertThat(run.err()).contains("cannot write to standard output", "a change the server made stays made")
        .doesNotContainPattern("tg_(live|test)_[A-Za-z0-9]{28}");
    assertThat(server.tollgate().admin("GET", "/admin/customers/lost-secret/keys").json().path("keys")).hasSize(2);
  }

  @Test
  void keysCreate_json_isTheIssuedKeyDocumentWithItsSecret_andAKeyOutsideTheNamespacesIsRefused() {
    customer("json-keys");

    JsonNode key = ok(server.run("keys", "create", "json-keys", "--name", "batch", "--json")).json();
    assertThat(key.path("key").asText()).startsWith("tg_live_").startsWith(key.path("prefix").asText());
    assertThat(key.path("name").asText()).isEqualTo("batch");
    assertThat(key.path("customer_id").asText()).isEqualTo("json-keys");

    refused(server.run("keys", "create", "json-keys", "--namespace", "prod"), "namespace_not_granted");
  }

  @Test
  void keysRotate_printsTheNewSecretOnce_andARevokedKeyCannotBeRotated() {
    customer("rotating");
    JsonNode first = server.tollgate().admin("POST", "/admin/customers/rotating/keys", "{\"name\":\"web\"}").json();
    String oldId = first.path("key_id").asText();

    Run rotated = ok(server.run("keys", "rotate", "rotating", oldId, "--grace-period-s", "3600"));
    String secret = secretIn(rotated.out());
    assertThat(rotated.out()).containsOnlyOnce(secret).doesNotContain(first.path("key").asText())
        .containsPattern("replaces\\s+" + oldId).containsPattern("name\\s+web");
    JsonNode old = server.tollgate().admin("GET", "/admin/customers/rotating/keys/" + oldId).json();
    assertThat(old.path("revoked_at").isTextual()).isTrue();

    Run revoked = ok(server.run("keys", "revoke", "rotating", oldId, "--json"));
    assertThat(revoked.json().path("status").asText()).isEqualTo("revoked");
    assertThat(revoked.json().has("key")).isFalse();

    refused(server.run("keys", "rotate", "rotating", oldId), "key_not_active");
  }

  @Test
  void keysGet_unknownKey_isRefusedWithKeyNotFound() {
    customer("no-such-key");

    Run run = refused(server.run("keys", "get", "no-such-key", "key_AAAAAAAAAAAAAAAA"), "key_not_found");
    assertThat(run.err()).contains("404");
    assertThat(List.of(run.err().split("\n"))).hasSize(1);
  }
}
