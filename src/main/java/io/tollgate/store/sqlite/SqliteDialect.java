package io.tollgate.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.files.PrivateFiles;
import io.tollgate.registry.ChangeSignal;
import io.tollgate.store.internal.Dialect;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConfig.TransactionMode;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;

/**
 * SQLite in one file: WAL journal, {@code synchronous=FULL} (a committed batch survives a power cut),
 * foreign keys on, and {@code BEGIN IMMEDIATE} transactions, so that writers queue on {@code busy_timeout} at
 * their first statement instead of failing when a read lock would have to be upgraded. Not API: use
 * {@code io.tollgate.store.Database}.
 */
public final class SqliteDialect implements Dialect {
  static final int POOL_SIZE = 4;
  static final int BUSY_TIMEOUT_MS = 5_000;
  private static final String SHORT_PREFIX = "sqlite:";
  private static final String JDBC_PREFIX = "jdbc:sqlite:";

  private final Path file;

  private SqliteDialect(Path file) {
    this.file = file;
  }

  /** Whether {@code url} is a SQLite store URL: {@code sqlite:PATH} or {@code jdbc:sqlite:PATH}. */
  public static boolean accepts(String url) {
    return url.startsWith(SHORT_PREFIX) || url.startsWith(JDBC_PREFIX);
  }

  /**
   * The dialect for {@code url}; a relative PATH is resolved against the working directory.
   *
   * @throws IllegalArgumentException when the URL names no file (in-memory databases are not shared by a pool)
   */
  public static SqliteDialect forUrl(String url) {
    String path = url.startsWith(JDBC_PREFIX) ? url.substring(JDBC_PREFIX.length()) : url.substring(SHORT_PREFIX.length());
    if (path.isBlank() || path.startsWith(":memory:") || path.startsWith("file:") || path.contains("?")) {
      throw new IllegalArgumentException("a SQLite store URL names a plain file path: sqlite:PATH");
    }
    return new SqliteDialect(Path.of(path).toAbsolutePath().normalize());
  }

  /** The database file, absolute. */
  public Path file() {
    return file;
  }

  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public String describe() {
    return "sqlite:" + file;
  }

  @Override
  public HikariDataSource openPool() {
    try {
      // created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's permissions
      PrivateFiles.file(file);
      for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
        PrivateFiles.tighten(file.resolveSibling(file.getFileName() + suffix));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file + " or its directory", e);
    }
    // before the pool's first connection loads the driver's native library
    NativeLibrary.useKeptCopy(file);
    SQLiteDataSource sqlite = new SQLiteDataSource(connectionConfig());
    sqlite.setUrl(JDBC_PREFIX + file);
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("tollgate-sqlite");
    pool.setDataSource(sqlite);
    pool.setMaximumPoolSize(POOL_SIZE);
    pool.setConnectionTimeout(BUSY_TIMEOUT_MS * 2L);
    return new HikariDataSource(pool);
  }

  private static SQLiteConfig connectionConfig() {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.enforceForeignKeys(true);
    config.setTransactionMode(TransactionMode.IMMEDIATE);
    return config;
  }

  @Override
  public String migrations() {
    return "classpath:db/migration/sqlite";
  }

  @Override
  public Optional<String> schema() {
    return Optional.empty();
  }

  @Override
  public String lockClause() {
    return "";
  }

  @Override
  public String shareLockClause() {
    return "";
  }

  @Override
  public Optional<String> purgeBarrier() {
    return Optional.empty(); // BEGIN IMMEDIATE: a batch and a purge never overlap
  }

  @Override
  public boolean isConstraintViolation(SQLException e) {
    // extended result codes keep the primary code in their low byte
    return (e.getErrorCode() & 0xff) == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
  }

  /** None: one process uses a SQLite file; its own changes reach its view directly. */
  @Override
  public Optional<String> notifyChannel() {
    return Optional.empty();
  }

  @Override
  public ChangeSignal changeSignal(String nodeId) {
    return ChangeSignal.polling();
  }

  /** A DEFERRED transaction on this one connection: a WAL snapshot that writers do not wait for. */
  @Override
  public <T> T inReadSnapshot(Jdbi jdbi, HandleCallback<T, RuntimeException> reads) {
    return jdbi.withHandle(handle -> deferred(handle, reads));
  }

  /**
   * Two DEFERRED transactions on two of the pool's connections; each WAL snapshot starts at its first read (see the
   * interface: the caller compares what those reads saw).
   */
  @Override
  public <T> T inTwoReadSnapshots(Jdbi jdbi, BiFunction<Handle, Handle, T> reads) {
    return inReadSnapshot(jdbi, first -> {
      try (Handle second = jdbi.open()) {
        return deferred(second, h -> reads.apply(first, h));
      }
    });
  }

  private static <T> T deferred(Handle handle, HandleCallback<T, RuntimeException> reads) {
    SQLiteConnection connection = sqlite(handle);
    TransactionMode before = connection.getConnectionConfig().getTransactionMode();
    connection.getConnectionConfig().setTransactionMode(TransactionMode.DEFERRED);
    try {
      return handle.inTransaction(reads);
    } finally {
      connection.getConnectionConfig().setTransactionMode(before);
    }
  }

  private static SQLiteConnection sqlite(Handle handle) {
    try {
      return handle.getConnection().unwrap(SQLiteConnection.class);
    } catch (SQLException e) {
      throw new ConnectionException(e);
    }
  }
}
