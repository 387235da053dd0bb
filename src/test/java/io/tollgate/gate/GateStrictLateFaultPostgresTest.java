package io.tollgate.gate;

import io.tollgate.store.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

/** {@link StrictLateFaultContract} on a fresh schema of the test PostgreSQL. */
final class GateStrictLateFaultPostgresTest extends StrictLateFaultContract {
  private PostgresTestDatabase pg;

  @Override
  Map<String, String> storeEnv() {
    pg = PostgresTestDatabase.create();
    return Map.of("TOLLGATE_STORE_URL", pg.url());
  }

  /** A transaction locking {@code applied_batches}, which every usage batch writes first. */
  @Override
  AutoCloseable holdWrites() throws Exception {
    Connection c = DriverManager.getConnection(pg.url());
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE applied_batches IN EXCLUSIVE MODE");
    }
    return () -> {
      try (c) {
        c.rollback();
      }
    };
  }

  @Override
  void afterStop() {
    if (pg != null) {
      pg.close();
    }
  }
}
