package io.tollgate.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The usage store contract on a SQLite file in a fresh directory (its parent directories are created on open). */
final class SqliteUsageStoreTest extends UsageStoreContract {
  @TempDir
  Path dir;

  @Override
  Database openDatabase() {
    return Database.open("sqlite:" + dir.resolve("data/tollgate.db"), clock);
  }

  @Override
  String jdbcUrl() {
    return "jdbc:sqlite:" + dir.resolve("data/tollgate.db");
  }
}
