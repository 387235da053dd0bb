package io.tollgate.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.registry.ChangeSignal;
import io.tollgate.store.internal.Dialect;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * PostgreSQL through a pool of {@value #POOL_SIZE} connections. Writers to one customer are serialized by
 * {@code SELECT … FOR UPDATE}; server error details (which would quote row values, such as a key digest) are kept
 * out of exception messages. Not API: use {@code io.tollgate.store.Database}.
 */
public final class PostgresDialect implements Dialect {
  /** What {@code pg_export_snapshot()} returns, e.g. {@code 00000003-0000001B-1}. */
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+");
  static final int POOL_SIZE = 8;
  /**
   * How long a caller waits for a pooled connection, also while the server is gone (the pool keeps trying to
   * connect meanwhile): short, so that an Admin API call answers {@code 503 store_unavailable} within about 2 s and
   * the usage flusher retries at its own pace, rather than each waiting 10 s or more.
   */
  static final long CONNECTION_WAIT_MS = 2_000;
  private static final String INTEGRITY_CONSTRAINT_VIOLATION = "23";

  private final PostgresUrl url;

  private PostgresDialect(PostgresUrl url) {
    this.url = url;
  }

  /** Whether {@code url} is a PostgreSQL JDBC URL. */
  public static boolean accepts(String url) {
    return url.startsWith(PostgresUrl.PREFIX);
  }

  /**
   * The dialect for {@code jdbc:postgresql://host:port/db?user=..&password=..[&currentSchema=..]}.
   *
   * @throws IllegalArgumentException when it is not such a URL; the message never quotes it
   */
  public static PostgresDialect forUrl(String url) {
    return new PostgresDialect(PostgresUrl.parse(url));
  }

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public String describe() {
    return url.describe();
  }

  @Override
  public HikariDataSource openPool() {
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("tollgate-postgresql");
    pool.setJdbcUrl(url.jdbcUrl());
    url.user().ifPresent(pool::setUsername);
    url.password().ifPresent(pool::setPassword);
    pool.addDataSourceProperty("logServerErrorDetail", "false");
    pool.addDataSourceProperty("ApplicationName", "tollgate");
    pool.setMaximumPoolSize(POOL_SIZE);
    pool.setConnectionTimeout(CONNECTION_WAIT_MS);
    return new HikariDataSource(pool);
  }

  @Override
  public String migrations() {
    return "classpath:db/migration/postgres";
  }

  @Override
  public Optional<String> schema() {
    return url.schema();
  }

  @Override
  public String lockClause() {
    return " FOR UPDATE";
  }

  @Override
  public String shareLockClause() {
    return " FOR SHARE";
  }

  /**
   * SHARE conflicts with the ROW EXCLUSIVE lock a purge's {@code INSERT INTO purged_keys} holds until it commits,
   * and not with itself, so batches do not wait for each other; read committed, the batch's next statement sees
   * what the purge committed.
   */
  @Override
  public Optional<String> purgeBarrier() {
    return Optional.of("LOCK TABLE purged_keys IN SHARE MODE");
  }

  @Override
  public boolean isConstraintViolation(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith(INTEGRITY_CONSTRAINT_VIOLATION);
  }

  /**
   * {@code tollgate_registry}, with the schema appended when the URL names one: channels are per database, so nodes
   * on different schemas of one database do not wake each other.
   */
  @Override
  public Optional<String> notifyChannel() {
    return Optional.of(PostgresChangeSignal.channel(url.schema()));
  }

  @Override
  public ChangeSignal changeSignal(String nodeId) {
    return new PostgresChangeSignal(url, nodeId);
  }

  /** A REPEATABLE READ transaction: one snapshot for all its statements; readers never block writers. */
  @Override
  public <T> T inReadSnapshot(Jdbi jdbi, HandleCallback<T, RuntimeException> reads) {
    return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, reads);
  }

  /**
   * Two REPEATABLE READ transactions on two connections, the second on the first's snapshot ({@code
   * pg_export_snapshot()}, then {@code SET TRANSACTION SNAPSHOT} as the second's first statement): one snapshot.
   */
  @Override
  public <T> T inTwoReadSnapshots(Jdbi jdbi, BiFunction<Handle, Handle, T> reads) {
    return inReadSnapshot(jdbi, first -> {
      String snapshot = first.createQuery("SELECT pg_export_snapshot()").mapTo(String.class).one();
      if (!SNAPSHOT_ID.matcher(snapshot).matches()) {
        throw new IllegalStateException("unexpected snapshot id from the server: " + snapshot);
      }
      try (Handle second = jdbi.open()) {
        return second.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
          h.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'"); // SET takes no parameters; the id was checked
          return reads.apply(first, h);
        });
      }
    });
  }
}
