package io.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key.expiring scan (once at every start, then every {@code webhooks.key_expiry_scan}) reads the keys that
 * expire soon through the index of keys by expiry, not by reading every key: with a million keys the full scan
 * took about a second of CPU inside a transaction, beside the registry's load at start.
 */
final class KeyExpiryScanIndexTest {
  @TempDir Path dir;

  @Test
  void expiringKeysQuery_onAMigratedSqliteStore_searchesTheExpiryIndex_neverScansEveryKey() throws Exception {
    Path file = dir.resolve("tollgate.db");
    Database.open("sqlite:" + file).close(); // every migration applied
    String query = JdbiWebhookStore.EXPIRING.replace(":now", "1").replace(":horizon", "2");
    List<String> plan = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery("EXPLAIN QUERY PLAN " + query)) {
      while (rs.next()) {
        plan.add(rs.getString("detail"));
      }
    }
    assertThat(plan).as(String.join("\n", plan))
        .anyMatch(step -> step.contains("api_keys") && step.contains("INDEX api_keys_by_expiry"))
        .noneMatch(step -> step.matches("SCAN api_keys( |$).*"));
  }
}
