package io.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a store: one behind the jar's newest migration is migrated by Flyway; one already up to date opens
 * without Flyway (not even its validation, shown by a tampered checksum that Flyway would refuse).
 */
final class MigrationsTest {
  @TempDir Path dir;

  @Test
  void latestVersion_isTheNewestMigrationOfEachDialect() throws Exception {
    for (String dialect : new String[] {"sqlite", "postgres"}) {
      Path location = Path.of(Migrations.class.getResource("/db/migration/" + dialect).toURI());
      try (Stream<Path> files = Files.list(location)) {
        int newest = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
            .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        assertThat(newest).as(dialect).isEqualTo(Migrations.LATEST_VERSION);
      }
    }
  }

  @Test
  void freshSchemaScripts_areEverySqliteMigrationInVersionOrder() throws Exception {
    Path location = Path.of(Migrations.class.getResource("/" + FreshSchema.LOCATION).toURI());
    try (Stream<Path> files = Files.list(location)) {
      assertThat(FreshSchema.SCRIPTS).isEqualTo(files.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("V\\d+__.*\\.sql"))
          .sorted(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))))
          .toList());
    }
  }

  @Test
  void open_sqliteStoreBehindByOneMigration_appliesIt() throws Exception {
    Path file = dir.resolve("tollgate.db");
    String jdbc = "jdbc:sqlite:" + file;
    behindByOne(Flyway.configure().dataSource(jdbc, null, null).locations("classpath:db/migration/sqlite"),
        "sqlite:" + file);
  }

  @Test
  void open_postgresStoreBehindByOneMigration_appliesIt() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      behindByOne(Flyway.configure().dataSource(pg.url(), null, null).schemas(pg.schema())
          .defaultSchema(pg.schema()).locations("classpath:db/migration/postgres"), pg.url());
    }
  }

  @Test
  void open_upToDateSqliteStore_opensWithoutFlyway() throws Exception {
    Path file = dir.resolve("tollgate.db");
    upToDate("jdbc:sqlite:" + file, "sqlite:" + file, "flyway_schema_history");
  }

  @Test
  void open_upToDatePostgresStore_opensWithoutFlyway() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      upToDate(pg.url(), pg.url(), "\"" + pg.schema() + "\".flyway_schema_history");
    }
  }

  private static void behindByOne(FluentConfiguration flyway, String storeUrl) {
    flyway.target(String.valueOf(Migrations.LATEST_VERSION - 1)).load().migrate();
    try (CapturedLogs logs = new CapturedLogs(); Database db = Database.open(storeUrl)) {
      assertThat(logs.texts()).anyMatch(t -> t.startsWith("store opened") && t.contains("(1 migrations applied)"));
      assertThat(db.webhooks()).isNotNull();
    }
    try (CapturedLogs logs = new CapturedLogs(); Database db = Database.open(storeUrl)) {
      assertThat(logs.texts()).anyMatch(t -> t.contains("schema at version " + Migrations.LATEST_VERSION
          + ", up to date"));
    }
  }

  private static void upToDate(String jdbc, String storeUrl, String history) throws Exception {
    try (Database db = Database.open(storeUrl)) {
      db.registry().inTransaction(tx -> {
        tx.insertCustomer(StoreFixtures.customer("acme").build());
        return null;
      });
    }
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE " + history + " SET checksum = 12345 WHERE version = '1'");
    }
    try (CapturedLogs logs = new CapturedLogs(); Database db = Database.open(storeUrl)) {
      assertThat(logs.texts()).anyMatch(t -> t.contains("schema at version " + Migrations.LATEST_VERSION
          + ", up to date")).noneMatch(t -> t.contains("migrations applied"));
      assertThat(db.registry().findCustomer("acme")).isPresent();
    }
  }
}
