package io.tollgate.registry;

import io.tollgate.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link ReloadRaceContract} on a SQLite file (two nodes: two stores on the same file). */
final class SqliteReloadRaceTest extends ReloadRaceContract {
  @TempDir Path dir;

  @Override
  Database openDatabase(String nodeId) {
    return Database.open("sqlite:" + dir.resolve("t.db"), nodeId);
  }

  @Override
  void discardStorage() {}
}
