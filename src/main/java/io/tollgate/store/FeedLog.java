package io.tollgate.store;

import io.tollgate.registry.Change;
import io.tollgate.registry.FeedEntry;
import io.tollgate.registry.RegistryStore.FeedPage;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The change feed's tables: {@code registry_feed} (one row: the newest version handed out, and how far the log was
 * pruned) and {@code registry_changes} (one row per changed customer per transaction). Versions are taken last in
 * a transaction, by updating that one row: its row lock (PostgreSQL) or the single writer (SQLite) holds the next
 * transaction back until this one has committed, so versions become visible in order and a reader that saw version
 * N has seen every version before it. On PostgreSQL the same transaction sends a NOTIFY, delivered at commit.
 */
final class FeedLog {
  private static final String KIND_CUSTOMER = "customer";
  private static final String KIND_PURGE = "purge";
  private static final String KIND_RELOAD = "reload";

  private final Optional<String> notifyChannel;
  private final String nodeId;
  private final InstantSource clock;

  FeedLog(Optional<String> notifyChannel, String nodeId, InstantSource clock) {
    this.notifyChannel = notifyChannel;
    this.nodeId = nodeId;
    this.clock = clock;
  }

  /**
   * Logs the customers a transaction changed (id → version after it, 0 when unknown, {@link Long#MAX_VALUE} when
   * purged); nothing when none. Call it as the transaction's last statement.
   */
  void append(Handle h, Map<String, Long> changed) {
    if (changed.isEmpty()) {
      return;
    }
    long last = takeVersions(h, changed.size());
    long version = last - changed.size();
    long at = clock.millis();
    var batch = h.prepareBatch("INSERT INTO registry_changes (version, kind, customer_id, customer_version, node_id,"
        + " at) VALUES (:version, :kind, :customer, :customerVersion, :node, :at)");
    for (Map.Entry<String, Long> c : changed.entrySet()) {
      boolean purged = c.getValue() == Long.MAX_VALUE;
      batch.bind("version", ++version).bind("kind", purged ? KIND_PURGE : KIND_CUSTOMER).bind("customer", c.getKey())
          .bind("customerVersion", purged ? 0 : c.getValue()).bind("node", nodeId).bind("at", at).add();
    }
    batch.execute();
    notifyAtCommit(h, last);
  }

  /** Logs a reload by this node. */
  void appendReload(Handle h) {
    long version = takeVersions(h, 1);
    h.createUpdate("INSERT INTO registry_changes (version, kind, customer_id, customer_version, node_id, at)"
            + " VALUES (:version, 'reload', NULL, 0, :node, :at)")
        .bind("version", version).bind("node", nodeId).bind("at", clock.millis()).execute();
    notifyAtCommit(h, version);
  }

  private static long takeVersions(Handle h, int count) {
    h.createUpdate("UPDATE registry_feed SET version = version + :n WHERE id = 1").bind("n", count).execute();
    return h.createQuery("SELECT version FROM registry_feed WHERE id = 1").mapTo(Long.class).one();
  }

  private void notifyAtCommit(Handle h, long version) {
    notifyChannel.ifPresent(channel -> h.createQuery("SELECT pg_notify(:channel, :payload)")
        .bind("channel", channel).bind("payload", version + " " + nodeId).mapTo(String.class).list());
  }

  /** The newest version handed out. */
  static long current(Handle h) {
    return h.createQuery("SELECT version FROM registry_feed WHERE id = 1").mapTo(Long.class).one();
  }

  /** Entries after {@code afterVersion}, oldest first; run it in one read snapshot. */
  static FeedPage since(Handle h, long afterVersion, int limit) {
    long pruned = h.createQuery("SELECT pruned_through FROM registry_feed WHERE id = 1").mapTo(Long.class).one();
    List<FeedEntry> entries = h.createQuery("SELECT version, kind, customer_id, customer_version, node_id"
            + " FROM registry_changes WHERE version > :after ORDER BY version LIMIT :limit")
        .bind("after", afterVersion).bind("limit", limit)
        .map((rs, ctx) -> entry(rs.getLong("version"), rs.getString("kind"), rs.getString("customer_id"),
            rs.getLong("customer_version"), rs.getString("node_id")))
        .list();
    return new FeedPage(pruned, entries);
  }

  private static FeedEntry entry(long version, String kind, String customer, long customerVersion, String node) {
    return switch (kind) {
      case KIND_RELOAD -> new FeedEntry.Reloaded(version, node);
      case KIND_PURGE -> new FeedEntry.CustomerChanged(version, new Change(customer, Long.MAX_VALUE));
      default -> new FeedEntry.CustomerChanged(version, new Change(customer, customerVersion));
    };
  }

  /** Deletes the entries committed before {@code cutoff} and remembers how far; returns how many. */
  static int prune(Handle h, Instant cutoff) {
    Optional<Long> through = h.createQuery("SELECT MAX(version) FROM registry_changes WHERE at < :cutoff")
        .bind("cutoff", cutoff.toEpochMilli()).mapTo(Long.class).findOne();
    if (through.isEmpty() || through.get() == null) {
      return 0;
    }
    int deleted = h.createUpdate("DELETE FROM registry_changes WHERE version <= :through")
        .bind("through", through.get()).execute();
    h.createUpdate("UPDATE registry_feed SET pruned_through = :through WHERE id = 1 AND pruned_through < :through")
        .bind("through", through.get()).execute();
    return deleted;
  }
}
