package io.tollgate.store;

import io.tollgate.store.internal.Dialect;
import java.util.function.Supplier;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs statements through Jdbi so that callers only ever see the store's exceptions ({@link StoreFailures}), never
 * Jdbi's or the driver's. Thread-safe.
 */
final class GuardedJdbi {
  private final Jdbi jdbi;
  private final Dialect dialect;

  GuardedJdbi(Jdbi jdbi, Dialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Runs {@code reads} on a connection in auto-commit mode. */
  <T> T withHandle(HandleCallback<T, RuntimeException> reads) {
    return translating(() -> jdbi.withHandle(reads));
  }

  /** Runs {@code reads} on one consistent snapshot. */
  <T> T inReadSnapshot(HandleCallback<T, RuntimeException> reads) {
    return translating(() -> dialect.inReadSnapshot(jdbi, reads));
  }

  /** Runs {@code reads} with two connections in read transactions: see {@link Dialect#inTwoReadSnapshots}. */
  <T> T inTwoReadSnapshots(java.util.function.BiFunction<org.jdbi.v3.core.Handle, org.jdbi.v3.core.Handle, T> reads) {
    return translating(() -> dialect.inTwoReadSnapshots(jdbi, reads));
  }

  /**
   * Runs {@code work} in one transaction. When {@code work} throws, the transaction is rolled back and that very
   * exception is rethrown, whatever Jdbi wrapped around it; a failure to begin or commit is translated.
   */
  <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
    RuntimeException[] workFailure = new RuntimeException[1];
    try {
      return jdbi.inTransaction(handle -> {
        try {
          return work.withHandle(handle);
        } catch (RuntimeException e) {
          workFailure[0] = e;
          throw e;
        }
      });
    } catch (RuntimeException e) {
      if (workFailure[0] != null) {
        throw workFailure[0];
      }
      throw StoreFailures.translate(e, dialect);
    }
  }

  /** Runs one call on a handle already open, translating Jdbi's and the driver's failures. */
  <T> T translating(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw StoreFailures.translate(e, dialect);
    }
  }
}
