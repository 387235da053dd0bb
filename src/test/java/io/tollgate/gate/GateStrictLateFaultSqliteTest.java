package io.tollgate.gate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

/** {@link StrictLateFaultContract} on SQLite in the data directory. */
final class GateStrictLateFaultSqliteTest extends StrictLateFaultContract {
  @Override
  Map<String, String> storeEnv() {
    return Map.of();
  }

  /** A write transaction on the database file: the flusher's {@code BEGIN IMMEDIATE} waits for it. */
  @Override
  AutoCloseable holdWrites() throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.tollgate.dataDir.resolve("tollgate.db"));
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
    }
    return () -> {
      try (c; Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      }
    };
  }
}
