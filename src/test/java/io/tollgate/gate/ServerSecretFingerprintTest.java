package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.admin.RunningTollgate;
import io.tollgate.config.InvalidConfigException;
import io.tollgate.store.PostgresTestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store remembers the fingerprint of the server secret its keys were hashed with: a start with another secret
 * (changed on this node, or a second node on the same PostgreSQL with a secret of its own) refuses to start, saying
 * how to recover, instead of answering every key 401 while {@code /health} says ok.
 */
final class ServerSecretFingerprintTest {
  private static final String SECRET_A = "the-first-server-secret-0123456789abcdef";
  private static final String SECRET_B = "another-server-secret-9876543210fedcba";
  private static final String HOW_TO_RECOVER = "keys hashed under the old secret cannot be verified";

  @TempDir Path dir;

  private static String yaml(String secret) {
    return "keys:\n  hmac_secret: " + secret + "\n";
  }

  private static Map<String, String> env(String secret, Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(more);
    env.put("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);
    env.put("TOLLGATE_HMAC_SECRET", secret);
    return env;
  }

  @Test
  void restart_withAChangedSecret_exitsNonZeroSayingHowToRecover_andTheOldSecretStartsItAgain() throws Exception {
    try (TollgateProcess p = TollgateProcess.start(dir, yaml(SECRET_A), List.of("-XX:TieredStopAtLevel=1"))) {
      String key = p.customer("{\"customer_id\":\"fingerprint-co\"}");
      p.terminate();
      p.awaitExit(Duration.ofSeconds(60));

      Files.writeString(dir.resolve("tollgate.yaml"), yaml(SECRET_B));
      int exit = p.restartExpectingExit(Duration.ofSeconds(60));
      String output = p.output();
      assertThat(exit).as(output).isNotZero();
      assertThat(output).contains("tollgate: invalid configuration: keys.hmac_secret:").contains(HOW_TO_RECOVER)
          .contains("Restore keys.hmac_secret");
      assertThat(output).doesNotContain(SECRET_A).doesNotContain(SECRET_B);

      Files.writeString(dir.resolve("tollgate.yaml"), yaml(SECRET_A));
      p.restart();
      assertThat(gateStatus(p.gatePort(), key)).as("the key is known again").isNotEqualTo(401);
    }
  }

  private static int gateStatus(int port, String key) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/default/items/x"))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build();
    return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void upgrade_ofAStoreFromBeforeTheFingerprint_adoptsTheSecretOfItsFirstStart_andDeletingItAdoptsANewOne()
      throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    String jdbc = "jdbc:sqlite:" + data.resolve("tollgate.db");
    Flyway.configure().dataSource(jdbc, null, null).locations("classpath:db/migration/sqlite").target("5").load()
        .migrate();

    RunningTollgate.start(data, env(SECRET_A, Map.of()), Optional.empty()).close();
    assertThatThrownBy(() -> RunningTollgate.start(data, env(SECRET_B, Map.of()), Optional.empty()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining(HOW_TO_RECOVER)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET_A).doesNotContain(SECRET_B));

    // the documented way to adopt a new secret when the old one is lost for good (docs/operations.md)
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      s.execute("DELETE FROM secret_fingerprint");
    }
    RunningTollgate.start(data, env(SECRET_B, Map.of()), Optional.empty()).close();
    assertThatThrownBy(() -> RunningTollgate.start(data, env(SECRET_A, Map.of()), Optional.empty()))
        .isInstanceOf(InvalidConfigException.class);
  }

  @Test
  void secondNode_onTheSamePostgres_withAnotherSecret_refusesToStart_whileOneWithTheSameSecretStarts() {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      Map<String, String> store = Map.of("TOLLGATE_STORE_URL", pg.url());
      try (RunningTollgate first = RunningTollgate.start(dir.resolve("a"), env(SECRET_A, store), Optional.empty())) {
        assertThatThrownBy(() -> RunningTollgate.start(dir.resolve("b"), env(SECRET_B, store), Optional.empty()))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining(HOW_TO_RECOVER);
        try (RunningTollgate same = RunningTollgate.start(dir.resolve("c"), env(SECRET_A, store),
            Optional.empty())) {
          assertThat(same.admin("GET", "/health").status()).isEqualTo(200);
        }
        assertThat(first.admin("GET", "/health").status()).isEqualTo(200);
      }
    }
  }
}
