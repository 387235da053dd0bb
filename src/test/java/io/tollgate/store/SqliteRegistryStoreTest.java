package io.tollgate.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry store contract on a SQLite file in a fresh directory (its parent directories are created on open). */
final class SqliteRegistryStoreTest extends RegistryStoreContract {
  @TempDir
  Path dir;

  @Override
  Database openDatabase() {
    return Database.open("sqlite:" + dir.resolve("data/tollgate.db"));
  }
}
