package io.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.registry.Actor;
import io.tollgate.registry.AuditEntry;
import io.tollgate.registry.RegistryStore.AuditQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration V7 on a store with audit entries written before it: an admin key's entries read {@code via admin_api},
 * Tollgate's own ({@code actor system}) {@code via system}, and new entries keep the API they came through.
 */
final class AuditViaMigrationTest {
  private static final String OLD_ROWS = "INSERT INTO audit_log (at, actor, action, customer_id, key_id, changes)"
      + " VALUES (1, 'adm_cfg_0123456789', 'customer.create', 'acme', NULL, '{}'),"
      + " (2, 'system', 'admin_key.create', '', 'adm_x', '{}')";

  @TempDir Path dir;

  @Test
  void upgrade_sqliteStoreWithAuditEntries_readsTheirApi() throws Exception {
    Path file = dir.resolve("tollgate.db");
    String jdbc = "jdbc:sqlite:" + file;
    upgradeFromV6(Flyway.configure().dataSource(jdbc, null, null).locations("classpath:db/migration/sqlite"), jdbc,
        "sqlite:" + file);
  }

  @Test
  void upgrade_postgresStoreWithAuditEntries_readsTheirApi() throws Exception {
    try (PostgresTestDatabase postgres = PostgresTestDatabase.create()) {
      upgradeFromV6(Flyway.configure().dataSource(postgres.url(), null, null).schemas(postgres.schema())
          .defaultSchema(postgres.schema()).locations("classpath:db/migration/postgres"), postgres.url(),
          postgres.url());
    }
  }

  private static void upgradeFromV6(FluentConfiguration flyway, String jdbc, String storeUrl) throws SQLException {
    flyway.target("6").load().migrate();
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      s.execute(OLD_ROWS);
    }
    try (Database database = Database.open(storeUrl)) {
      database.registry().inTransaction(tx -> {
        tx.appendAudit(new AuditEntry(0, java.time.Instant.ofEpochMilli(3), Actor.compat("adm_cfg_0123456789"),
            "customer.update", "acme", Optional.empty(), java.util.Map.of()));
        return null;
      });
      List<Actor> actors = database.registry().audit(new AuditQuery(Optional.empty(), Optional.empty(), 10))
          .stream().map(AuditEntry::actor).toList();
      assertThat(actors).containsExactly(Actor.compat("adm_cfg_0123456789"), Actor.SYSTEM,
          Actor.adminApi("adm_cfg_0123456789"));
    }
  }
}
