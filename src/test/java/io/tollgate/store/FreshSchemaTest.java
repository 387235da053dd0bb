package io.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * A new SQLite store gets its schema without Flyway, and it is the schema, and the history, that Flyway's migrate
 * makes: Flyway validates it and applies the next migration to it as to a store it made itself.
 */
final class FreshSchemaTest {
  private static final String HISTORY_COLUMNS =
      "installed_rank, version, description, type, script, checksum, installed_by, success";

  @TempDir Path dir;

  @Test
  void open_newSqliteStore_createsFlywaysSchemaAndHistoryWithoutFlyway() throws Exception {
    Path byFlyway = dir.resolve("flyway.db");
    Flyway.configure().dataSource("jdbc:sqlite:" + byFlyway, null, null).locations("classpath:db/migration/sqlite")
        .load().migrate();
    Path fresh = dir.resolve("fresh.db");
    try (CapturedLogs logs = new CapturedLogs(); Database db = Database.open("sqlite:" + fresh)) {
      assertThat(logs.texts()).anyMatch(t -> t.startsWith("store opened")
          && t.contains("(" + FreshSchema.SCRIPTS.size() + " migrations applied, new store)"));
      db.registry().inTransaction(tx -> {
        tx.insertCustomer(StoreFixtures.customer("acme").build());
        return null;
      });
    }

    assertThat(rows(fresh, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"))
        .isNotEmpty().isEqualTo(rows(byFlyway, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"));
    String history = "SELECT " + HISTORY_COLUMNS + " FROM flyway_schema_history ORDER BY installed_rank";
    assertThat(rows(fresh, history)).hasSize(FreshSchema.SCRIPTS.size()).isEqualTo(rows(byFlyway, history));
    assertThat(rows(fresh, "SELECT count(*) FROM flyway_schema_history WHERE installed_on LIKE '20__-__-__ __:__:__.___'"
        + " AND execution_time >= 0")).containsExactly(List.of(String.valueOf(FreshSchema.SCRIPTS.size())));

    Flyway flyway = Flyway.configure().dataSource("jdbc:sqlite:" + fresh, null, null)
        .locations("classpath:db/migration/sqlite").load();
    assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
    assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo(String.valueOf(Migrations.LATEST_VERSION));
    assertThat(flyway.info().all()).allMatch(m -> m.getState() == MigrationState.SUCCESS);
  }

  @Test
  void open_newStoreBehindByOne_flywayAppliesTheNextMigration() throws Exception {
    Path file = dir.resolve("tollgate.db");
    Database.open("sqlite:" + file).close();
    // as if the jar that created the store had carried every migration but the newest
    exec(file, "DROP TABLE registry_tiers", "DELETE FROM flyway_schema_history WHERE version = '"
        + Migrations.LATEST_VERSION + "'");

    try (CapturedLogs logs = new CapturedLogs(); Database db = Database.open("sqlite:" + file)) {
      assertThat(logs.texts()).anyMatch(t -> t.contains("(1 migrations applied)"));
    }
    assertThat(rows(file, "SELECT count(*) FROM sqlite_master WHERE name = 'registry_tiers'"))
        .containsExactly(List.of("1"));
  }

  @Test
  void createIfEmpty_storeWithATable_leavesItToFlyway() throws Exception {
    Path file = dir.resolve("other.db");
    exec(file, "CREATE TABLE notes (id INTEGER PRIMARY KEY)");

    assertThat(FreshSchema.createIfEmpty(dataSource(file))).isEmpty();
    assertThat(rows(file, "SELECT name FROM sqlite_master")).containsExactly(List.of("notes"));
  }

  @Test
  void open_twoStartsOnOneNewStoreAtOnce_bothOpenOneSchema() throws Exception {
    Path file = dir.resolve("tollgate.db");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<String> open = () -> {
        try (CapturedLogs logs = new CapturedLogs(); Database db = Database.open("sqlite:" + file)) {
          return String.join("\n", logs.texts());
        }
      };
      List<Future<String>> starts = List.of(pool.submit(open), pool.submit(open));
      for (Future<String> start : starts) {
        assertThat(start.get()).contains("store opened");
      }
    } finally {
      pool.shutdown();
    }
    assertThat(rows(file, "SELECT count(*), max(version + 0) FROM flyway_schema_history"))
        .containsExactly(List.of(String.valueOf(FreshSchema.SCRIPTS.size()), String.valueOf(Migrations.LATEST_VERSION)));
  }

  @Test
  void split_keepsSemicolonsInLiteralsAndComments() {
    assertThat(FreshSchema.split("-- a; comment\nCREATE TABLE t (a TEXT DEFAULT 'x;y'); /* ; */ INSERT INTO t"
        + " VALUES ('it''s;');\n"))
        .contains(List.of("-- a; comment\nCREATE TABLE t (a TEXT DEFAULT 'x;y')", " /* ; */ INSERT INTO t VALUES ('it''s;')"));
  }

  @Test
  void split_triggerBlockOrPlaceholder_isLeftToFlyway() {
    assertThat(FreshSchema.split("CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b; END;")).isEmpty();
    assertThat(FreshSchema.split("CREATE TABLE ${name} (a INT);")).isEmpty();
    assertThat(FreshSchema.split("CREATE TABLE t (a TEXT /* unclosed")).isEmpty();
  }

  @Test
  void scripts_everyOneOfTheJarIsSplitWithoutFlyway() {
    assertThat(FreshSchema.scripts()).allSatisfy(s -> assertThat(s.statements()).as(s.file()).isPresent());
  }

  private static SQLiteDataSource dataSource(Path file) {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + file);
    return ds;
  }

  private static void exec(Path file, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.executeUpdate(statement);
      }
    }
  }

  private static List<List<String>> rows(Path file, String query) throws SQLException {
    assertThat(Files.exists(file)).as(file.toString()).isTrue();
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(query)) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<String> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          row.add(Optional.ofNullable(r.getString(i)).orElse("NULL"));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
