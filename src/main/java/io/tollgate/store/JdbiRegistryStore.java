package io.tollgate.store;

import io.tollgate.keys.KeyDigest;
import io.tollgate.registry.AdminKey;
import io.tollgate.registry.AuditEntry;
import io.tollgate.registry.Customer;
import io.tollgate.registry.CustomerKey;
import io.tollgate.registry.RegistryLoadSink;
import io.tollgate.registry.RegistryStore;
import io.tollgate.registry.RegistryTransaction;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.jdbi.v3.core.statement.Query;

/**
 * The registry over Jdbi, the same SQL for every dialect. Writers to one customer are serialized by
 * {@link RegistryTransaction#lockCustomer} (a row lock on PostgreSQL; SQLite's IMMEDIATE transactions serialize
 * every writer). Thread-safe. {@link #close()} closes the {@link Database} it belongs to.
 */
final class JdbiRegistryStore implements RegistryStore {
  private final GuardedJdbi guard;
  private final FeedLog feed;
  private final Runnable onClose;

  JdbiRegistryStore(GuardedJdbi guard, FeedLog feed, Runnable onClose) {
    this.guard = guard;
    this.feed = feed;
    this.onClose = onClose;
  }

  /** What runs this store's statements (for tests in this package). */
  GuardedJdbi guard() {
    return guard;
  }

  /** The work, then the change-feed entries of what it wrote, in the same transaction. */
  @Override
  public <T> T inTransaction(Function<RegistryTransaction, T> work) {
    return guard.inTransaction(handle -> {
      JdbiRegistryTransaction tx = new JdbiRegistryTransaction(handle, guard);
      T result = work.apply(tx);
      guard.translating(() -> {
        feed.append(handle, tx.changed());
        return null;
      });
      return result;
    });
  }

  @Override
  public FeedPage changesSince(long afterVersion, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    return guard.inReadSnapshot(h -> FeedLog.since(h, afterVersion, limit));
  }

  @Override
  public void recordTiers(Collection<String> tiers) {
    guard.inTransaction(h -> guard.translating(() -> {
      StoredTiers.replace(h, tiers);
      return null;
    }));
  }

  @Override
  public void announceReload(AuditEntry audit, Collection<String> tiers) {
    guard.inTransaction(h -> {
      guard.translating(() -> {
        StoredTiers.replace(h, tiers);
        return null;
      });
      new JdbiRegistryTransaction(h, guard).appendAudit(audit);
      guard.translating(() -> {
        feed.appendReload(h);
        return null;
      });
      return null;
    });
  }

  @Override
  public int pruneChanges(java.time.Instant cutoff) {
    return guard.inTransaction(h -> guard.translating(() -> FeedLog.prune(h, cutoff)));
  }

  @Override
  public Optional<Customer> findCustomer(String id) {
    return guard.withHandle(h -> h.createQuery(CustomerRows.SELECT + " WHERE customer_id = :id")
        .bind("id", id).map(CustomerRows.MAPPER).findOne());
  }

  @Override
  public List<Customer> listCustomers(CustomerQuery query) {
    if (query.limit() < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    StringBuilder sql = new StringBuilder(CustomerRows.SELECT).append(" WHERE 1 = 1");
    query.tier().ifPresent(t -> sql.append(" AND tier = :tier"));
    query.status().ifPresent(s -> sql.append(" AND status = :status"));
    query.search().ifPresent(s -> sql.append(" AND (lower(customer_id) LIKE lower(:search) ESCAPE '!'")
        .append(" OR lower(name) LIKE lower(:search) ESCAPE '!'")
        .append(" OR lower(email) LIKE lower(:search) ESCAPE '!')"));
    query.afterId().ifPresent(a -> sql.append(" AND customer_id > :afterId"));
    sql.append(" ORDER BY customer_id LIMIT :limit");
    return guard.withHandle(h -> {
      Query q = h.createQuery(sql.toString()).bind("limit", query.limit());
      query.tier().ifPresent(t -> q.bind("tier", t));
      query.status().ifPresent(s -> q.bind("status", s.wireName()));
      query.search().ifPresent(s -> q.bind("search", containsPattern(s)));
      query.afterId().ifPresent(a -> q.bind("afterId", a));
      return q.map(CustomerRows.MAPPER).list();
    });
  }

  /**
   * A LIKE pattern (used with {@code ESCAPE '!'}) matching {@code text} anywhere, its wildcards taken literally. The
   * escape is {@code !}, not a backslash, because Jdbi's statement parser reads {@code '\'} as an unterminated string.
   * The database lower-cases both the pattern and the column, so the match is case-insensitive for ASCII on SQLite and
   * PostgreSQL alike; SQLite's {@code lower()} leaves other letters as they are, PostgreSQL's follows its locale.
   */
  private static String containsPattern(String text) {
    String escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    return "%" + escaped + "%";
  }

  @Override
  public List<CustomerKey> keysOf(String customerId) {
    return guard.withHandle(h -> h.createQuery(KeyRows.SELECT + " WHERE customer_id = :id" + KeyRows.ORDER)
        .bind("id", customerId).map(KeyRows.MAPPER).list());
  }

  /** Both lists come from one snapshot, so every key's customer is in it. */
  @Override
  public RegistrySnapshot loadAll() {
    return guard.inReadSnapshot(h -> new RegistrySnapshot(
        h.createQuery(CustomerRows.SELECT + " ORDER BY customer_id").map(CustomerRows.MAPPER).list(),
        h.createQuery(KeyRows.SELECT + " ORDER BY customer_id, created_at, key_id").map(KeyRows.MAPPER).list(),
        FeedLog.current(h)));
  }

  /** Streams both tables in one read snapshot: see {@link RegistryStream}. */
  @Override
  public long loadInto(RegistryLoadSink sink) {
    return guard.inReadSnapshot(h -> RegistryStream.into(h, sink));
  }

  /** Customers here, keys on a second thread, one snapshot: see {@link RegistryStream#inParallel}. */
  @Override
  public OptionalLong loadInParallel(RegistryLoadSink customers, RegistryLoadSink keys) {
    return guard.inTwoReadSnapshots((first, second) -> RegistryStream.inParallel(first, second, customers, keys));
  }

  @Override
  public KeyDigest recordSecretFingerprint(KeyDigest fingerprint, java.time.Instant at) {
    return guard.inTransaction(h -> guard.translating(() -> {
      h.createUpdate("INSERT INTO secret_fingerprint (id, fingerprint, recorded_at) VALUES (1, :fingerprint, :at)"
          + " ON CONFLICT (id) DO NOTHING")
          .bind("fingerprint", fingerprint.toHex()).bind("at", Columns.millis(at)).execute();
      return KeyDigest.fromHex(h.createQuery("SELECT fingerprint FROM secret_fingerprint WHERE id = 1")
          .mapTo(String.class).one());
    }));
  }

  @Override
  public List<AdminKey> adminKeys() {
    return guard.withHandle(h -> h.createQuery(AdminKeyRows.SELECT).map(AdminKeyRows.MAPPER).list());
  }

  @Override
  public List<AuditEntry> audit(AuditQuery query) {
    if (query.limit() < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    StringBuilder sql = new StringBuilder(AuditRows.SELECT).append(" WHERE 1 = 1");
    query.customerId().ifPresent(c -> sql.append(" AND customer_id = :customerId"));
    query.beforeId().ifPresent(b -> sql.append(" AND id < :beforeId"));
    sql.append(" ORDER BY id DESC LIMIT :limit");
    return guard.withHandle(h -> {
      Query q = h.createQuery(sql.toString()).bind("limit", query.limit());
      query.customerId().ifPresent(c -> q.bind("customerId", c));
      query.beforeId().ifPresent(b -> q.bind("beforeId", b));
      return q.map(AuditRows.MAPPER).list();
    });
  }

  @Override
  public void touchKeys(java.util.Map<String, java.time.Instant> lastUsed) {
    if (lastUsed.isEmpty()) {
      return;
    }
    guard.inTransaction(h -> {
      var batch = h.prepareBatch("UPDATE api_keys SET last_used_at = :at WHERE key_id = :id"
          + " AND (last_used_at IS NULL OR last_used_at < :at)");
      new java.util.TreeMap<>(lastUsed).forEach((id, at) -> batch.bind("id", id).bind("at", at.toEpochMilli()).add());
      batch.execute();
      return null;
    });
  }

  @Override
  public boolean isHealthy() {
    try {
      return guard.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public boolean isUnreachable(RuntimeException failure) {
    return StoreFailures.isUnreachable(failure);
  }

  @Override
  public void close() {
    onClose.run();
  }
}
