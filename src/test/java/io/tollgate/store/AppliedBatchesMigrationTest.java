package io.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limits.Units;
import io.tollgate.metering.UsageBatch;
import io.tollgate.metering.UsageBatch.UsageRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration V5 on a store that already holds applied batch ids (written by a version before it): each id gets its
 * node, ids too old to be replayed are removed, and a recent one is still recognised when it is sent again.
 */
final class AppliedBatchesMigrationTest {
  private static final LocalDate DAY = LocalDate.of(2026, 1, 1);

  @TempDir Path dir;

  @Test
  void upgrade_sqliteStoreWithAppliedIds_namesTheirNodes_dropsTheStale_keepsTheRecentRecognised() throws Exception {
    Path file = dir.resolve("tollgate.db");
    String jdbc = "jdbc:sqlite:" + file;
    upgradeFromV2(Flyway.configure().dataSource(jdbc, null, null).locations("classpath:db/migration/sqlite"), jdbc,
        "sqlite:" + file);
  }

  @Test
  void upgrade_postgresStoreWithAppliedIds_namesTheirNodes_dropsTheStale_keepsTheRecentRecognised() throws Exception {
    try (PostgresTestDatabase postgres = PostgresTestDatabase.create()) {
      upgradeFromV2(Flyway.configure().dataSource(postgres.url(), null, null).schemas(postgres.schema())
          .defaultSchema(postgres.schema()).locations("classpath:db/migration/postgres"), postgres.url(),
          postgres.url());
    }
  }

  private static void upgradeFromV2(FluentConfiguration flyway, String jdbc, String storeUrl) throws SQLException {
    flyway.target("2").load().migrate();
    long now = System.currentTimeMillis();
    long eightDaysAgo = now - Duration.ofDays(8).toMillis();
    execute(jdbc, "INSERT INTO applied_batches (batch_id, applied_at) VALUES ('2f0c-node:41', " + eightDaysAgo
        + "), ('2f0c-node:42', " + now + "), ('a:b:7', " + now + "), ('plain', " + now + ")");

    try (Database database = Database.open(storeUrl)) {
      assertThat(nodes(jdbc)).isEqualTo(Map.of("2f0c-node:42", "2f0c-node", "a:b:7", "a:b", "plain", "plain"));
      UsageBatch replay = new UsageBatch("2f0c-node:42",
          List.of(new UsageRow("acme", "k", "put", DAY, new Units(1000), 1)), List.of());
      assertThat(database.usage().apply(replay)).isFalse();
      assertThat(database.usage().totals("acme", DAY, DAY.plusDays(1)).requests()).isZero();
    }
  }

  private static Map<String, String> nodes(String jdbc) throws SQLException {
    Map<String, String> nodes = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT batch_id, node_id FROM applied_batches")) {
      while (rs.next()) {
        nodes.put(rs.getString(1), rs.getString(2));
      }
    }
    return nodes;
  }

  private static void execute(String jdbc, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
