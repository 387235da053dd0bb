package io.tollgate.store.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.registry.ChangeSignal;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * What differs between the databases the store runs on; everything else is written once in {@code io.tollgate.store}.
 * Not API: public only so that {@code io.tollgate.store.sqlite} and {@code io.tollgate.store.postgres} can implement
 * it (jdbi's {@code internal} convention). Implementations are immutable and thread-safe.
 */
public interface Dialect {

  /** {@code sqlite} or {@code postgresql}. */
  String name();

  /** Where the store is, for messages and logs; never contains a password. */
  String describe();

  /** A new connection pool over the database; the caller closes it. */
  HikariDataSource openPool();

  /** The Flyway location of this dialect's migration history, e.g. {@code classpath:db/migration/sqlite}. */
  String migrations();

  /** The schema to migrate and use, when the URL names one; empty means the connection's default. */
  Optional<String> schema();

  /**
   * Appended to a {@code SELECT} of rows to lock them until the transaction ends; empty text where write
   * transactions are already serialized.
   */
  String lockClause();

  /**
   * Appended to a {@code SELECT} of rows to keep them from being changed or deleted until the transaction ends, while
   * other transactions may hold the same rows so; empty text where write transactions are already serialized.
   */
  String shareLockClause();

  /**
   * The statement a usage batch runs before it reads {@code purged_keys}, so that it never writes usage of a key
   * whose purge is under way: it waits for that purge to commit (and then sees its ids), and a purge starting
   * meanwhile waits for the batch to commit (and then deletes its rows). Empty where write transactions are already
   * serialized.
   */
  Optional<String> purgeBarrier();

  /** Whether {@code e} reports a violated constraint (a duplicate or a missing reference) rather than an outage. */
  boolean isConstraintViolation(SQLException e);

  /** The channel a committed registry change is announced on with {@code pg_notify}; empty where there is none. */
  Optional<String> notifyChannel();

  /** A new signal of committed registry changes for the node {@code nodeId}; the caller closes it. */
  ChangeSignal changeSignal(String nodeId);

  /** Runs {@code reads} in one transaction that sees one consistent snapshot and does not block writers. */
  <T> T inReadSnapshot(Jdbi jdbi, HandleCallback<T, RuntimeException> reads);

  /**
   * Runs {@code reads} with two connections, each in a read transaction as {@link #inReadSnapshot}'s, meant to be
   * used on two threads at once. PostgreSQL: the second imports the first's exported snapshot, so both see one.
   * SQLite: each snapshot starts at its connection's first read, so they are one only when nothing committed
   * between those two reads; the caller makes sure (its first read on each tells it) before it trusts them.
   */
  <T> T inTwoReadSnapshots(Jdbi jdbi, BiFunction<Handle, Handle, T> reads);
}
