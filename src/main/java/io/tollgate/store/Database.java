package io.tollgate.store;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.metering.UsageStore;
import io.tollgate.registry.ChangeSignal;
import io.tollgate.registry.RegistryStore;
import io.tollgate.store.internal.Dialect;
import io.tollgate.store.postgres.PostgresDialect;
import io.tollgate.store.sqlite.SqliteDialect;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store: a connection pool over SQLite or PostgreSQL, its schema, and the {@link RegistryStore} and
 * {@link UsageStore} on it. Thread-safe; close it once when the process stops (closing {@link #registry()} closes
 * it too). Instants are kept with millisecond precision.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** The author of changes made through a store opened without a node id (tools, tests). */
  static final String UNNAMED_NODE = "unnamed";

  private final Dialect dialect;
  private final HikariDataSource pool;
  private final JdbiRegistryStore registry;
  private final JdbiUsageStore usage;
  private final JdbiWebhookStore webhooks;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String nodeId;

  private Database(Dialect dialect, HikariDataSource pool, InstantSource clock, String nodeId) {
    this.dialect = dialect;
    this.pool = pool;
    Jdbi jdbi = Jdbi.create(pool);
    // a failed statement's message names the SQL but never its arguments (a key digest, a customer's data)
    jdbi.getConfig(StatementExceptions.class).setMessageRendering(e -> e.getShortMessage()
        + (e.getStatementContext() == null ? "" : " [statement: " + e.getStatementContext().getRawSql() + "]"));
    GuardedJdbi guard = new GuardedJdbi(jdbi, dialect);
    this.nodeId = nodeId;
    this.registry = new JdbiRegistryStore(guard, new FeedLog(dialect.notifyChannel(), nodeId, clock), this::close);
    this.usage = new JdbiUsageStore(guard, clock);
    this.webhooks = new JdbiWebhookStore(guard);
  }

  /**
   * Opens the store at {@code url} and brings its schema up to date.
   *
   * @param url {@code sqlite:PATH} or {@code jdbc:sqlite:PATH} (PATH relative to the working directory; missing
   *     parent directories are created), or {@code jdbc:postgresql://HOST:PORT/DB?user=..&password=..}, optionally
   *     with {@code &currentSchema=SCHEMA} (created when missing)
   * @throws StoreUnavailableException when the URL is not one of these, or the store cannot be opened or migrated;
   *     its message never contains a password
   */
  public static Database open(String url) {
    return open(url, UNNAMED_NODE);
  }

  /**
   * As {@link #open(String)}, for the node {@code nodeId}: the change feed names it as the author of this
   * process's changes.
   */
  public static Database open(String url, String nodeId) {
    return open(url, InstantSource.system(), nodeId);
  }

  static Database open(String url, InstantSource clock) {
    return open(url, clock, UNNAMED_NODE);
  }

  static Database open(String url, InstantSource clock, String nodeId) {
    Objects.requireNonNull(url, "url");
    Dialect dialect = dialectFor(url.strip());
    HikariDataSource pool = null;
    try {
      pool = dialect.openPool();
      Migrations.Outcome schema = Migrations.bringUpToDate(pool, dialect);
      LOG.info("store opened: {} ({})", dialect.describe(), schema.describe());
      return new Database(dialect, pool, clock, nodeId);
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      throw StoreFailures.cannotOpen(dialect.describe(), e);
    }
  }

  static Dialect dialectFor(String url) {
    try {
      if (SqliteDialect.accepts(url)) {
        return SqliteDialect.forUrl(url);
      }
      if (PostgresDialect.accepts(url)) {
        return PostgresDialect.forUrl(url);
      }
    } catch (IllegalArgumentException e) {
      throw StoreFailures.invalidUrl(e);
    }
    throw StoreFailures.unsupportedUrl(url);
  }

  /** Customers, keys, admin keys and the audit log. */
  public RegistryStore registry() {
    return registry;
  }

  /** Daily usage and refusals. */
  public UsageStore usage() {
    return usage;
  }

  /** Webhook endpoints, the outbox and its deliveries. */
  public io.tollgate.webhooks.WebhookStore webhooks() {
    return webhooks;
  }

  /**
   * From now on, each usage batch applied writes the {@code usage.threshold} events of the thresholds it makes a
   * customer reach (see {@link io.tollgate.metering.UsageThresholds}).
   */
  public void watchUsageThresholds(io.tollgate.metering.UsageThresholds thresholds) {
    usage.watch(thresholds);
  }

  /**
   * From now on, each usage batch applied writes the {@code sla.at_risk} events of the error-budget levels it makes
   * a customer reach (see {@link io.tollgate.metering.SlaAtRisk}).
   */
  public void watchSla(io.tollgate.metering.SlaTargets targets) {
    usage.watch(targets);
  }

  /**
   * From now on, each usage batch applied writes {@code rate_limit.sustained} for a customer whose episode of
   * {@code 429 rate_limited} refusals it makes last longer than {@code after} (docs/webhooks.md).
   */
  public void watchRateLimits(java.time.Duration after) {
    usage.watchRateLimits(after);
  }

  /**
   * A new {@link ChangeSignal} for this store's change feed: PostgreSQL {@code LISTEN} on a dedicated connection
   * of its own (outside the pool), or, on SQLite, a wait that only ends with its timeout. The caller closes it.
   */
  public ChangeSignal changeSignal() {
    return dialect.changeSignal(nodeId);
  }

  /** {@code sqlite} or {@code postgresql}. */
  public String dialectName() {
    return dialect.name();
  }

  /** Closes the pool; later calls fail with {@link StoreUnavailableException}. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.close();
      LOG.info("store closed: {}", dialect.describe());
    }
  }
}
