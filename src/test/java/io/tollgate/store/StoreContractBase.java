package io.tollgate.store;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The life of a contract test's storage: a subclass opens {@link Database}s on storage of its own (every call
 * within one test opens the same storage, so a test can close and reopen it), and discards that storage after
 * every database the test opened is closed.
 */
abstract class StoreContractBase {
  private final List<Database> opened = new ArrayList<>();

  /** Opens a database on this test's storage, empty at the test's first call. */
  abstract Database openDatabase();

  /** Deletes this test's storage; every database on it is closed by then. */
  void discardStorage() {}

  final Database open() {
    Database database = openDatabase();
    opened.add(database);
    return database;
  }

  @AfterEach
  final void closeAndDiscard() {
    try {
      opened.forEach(Database::close);
    } finally {
      discardStorage();
    }
  }
}
