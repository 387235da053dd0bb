package io.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tollgate.keys.KeyDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DatabaseTest {
  private static final String WRONG_PASSWORD = "Wr0ng-pa55word-4f9c";

  @TempDir
  Path dir;

  @Test
  void open_sqliteUrlForms_openTheSameFileWithItsDialect() {
    Path file = dir.resolve("one/two/tollgate.db");
    try (Database db = Database.open("sqlite:" + file)) {
      assertThat(db.dialectName()).isEqualTo("sqlite");
      db.registry().inTransaction(tx -> {
        tx.insertCustomer(StoreFixtures.customer("acme").build());
        return null;
      });
    }
    try (Database db = Database.open("jdbc:sqlite:" + file)) {
      assertThat(db.registry().findCustomer("acme")).isPresent();
    }
    assertThat(Files.exists(file)).isTrue();
  }

  @Test
  void open_postgresUrl_usesTheSchemaItNames() {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create(); Database db = Database.open(pg.url())) {
      assertThat(db.dialectName()).isEqualTo("postgresql");
      assertThat(db.registry().isHealthy()).isTrue();
    }
  }

  @Test
  void open_unsupportedUrl_failsWithoutQuotingTheUrl() {
    Throwable thrown = catchThrowable(() -> Database.open("mysql://root:" + WRONG_PASSWORD + "@db/tollgate"));
    assertThat(thrown).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("scheme mysql");
    assertThat(chainText(thrown)).doesNotContain(WRONG_PASSWORD);
  }

  @Test
  void open_wrongPostgresPassword_failsAndNeverShowsOrLogsThePassword() {
    String url = PostgresTestDatabase.serverUrl().replaceAll("password=[^&]*", "password=" + WRONG_PASSWORD);
    try (CapturedLogs logs = new CapturedLogs()) {
      Throwable thrown = catchThrowable(() -> Database.open(url));
      assertThat(thrown).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("cannot open the store");
      assertThat(chainText(thrown)).doesNotContain(WRONG_PASSWORD);
      assertThat(logs.texts()).noneMatch(t -> t.contains(WRONG_PASSWORD));
    }
  }

  @Test
  void open_unreachablePostgres_failsWithStoreUnavailable() {
    Throwable thrown = catchThrowable(() -> Database.open("jdbc:postgresql://127.0.0.1:1/tollgate?user=u&password="
        + WRONG_PASSWORD));
    assertThat(thrown).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("127.0.0.1:1");
    assertThat(chainText(thrown)).doesNotContain(WRONG_PASSWORD);
  }

  @Test
  void duplicateDigest_onPostgres_isNeitherLoggedNorInTheException() {
    KeyDigest digest = StoreFixtures.randomDigest();
    try (CapturedLogs logs = new CapturedLogs(); PostgresTestDatabase pg = PostgresTestDatabase.create();
        Database db = Database.open(pg.url())) {
      Throwable thrown = catchThrowable(() -> db.registry().inTransaction(tx -> {
        tx.insertCustomer(StoreFixtures.customer("acme").build());
        tx.insertKey(StoreFixtures.key("acme", "key_1").digest(digest).build());
        tx.insertKey(StoreFixtures.key("acme", "key_2").digest(digest).build());
        return null;
      }));
      assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("api_keys_digest_key");
      assertThat(chainText(thrown)).doesNotContain(digest.toHex());
      assertThat(logs.texts()).noneMatch(t -> t.contains(digest.toHex()));
    }
  }

  private static String chainText(Throwable thrown) {
    List<String> texts = new ArrayList<>();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      texts.add(t.toString());
      for (Throwable s : t.getSuppressed()) {
        texts.add(s.toString());
      }
    }
    return String.join("\n", texts);
  }
}
