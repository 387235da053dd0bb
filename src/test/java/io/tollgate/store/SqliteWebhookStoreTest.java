package io.tollgate.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The webhook store contract on a SQLite file. */
final class SqliteWebhookStoreTest extends WebhookStoreContract {
  @TempDir
  Path dir;

  @Override
  Database openDatabase() {
    return Database.open("sqlite:" + dir.resolve("data/tollgate.db"), clock);
  }
}
