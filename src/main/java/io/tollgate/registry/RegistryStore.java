package io.tollgate.registry;

import io.tollgate.keys.KeyDigest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Durable home of customers, keys, admin keys and the audit log. Implementations are synchronous and blocking
 * (call them off the event loop) and thread-safe.
 */
public interface RegistryStore extends AutoCloseable {

  /**
   * Runs {@code work} in one transaction: everything it writes commits together, or nothing does when it throws
   * (the exception is rethrown as is). Writes to one customer are serialized (the customer row is locked).
   */
  <T> T inTransaction(Function<RegistryTransaction, T> work);

  /** The customer with this id, whatever its status; empty when unknown or purged. */
  Optional<Customer> findCustomer(String id);

  /** Customers ordered by id, after {@code query.afterId()} when present, at most {@code query.limit()}. */
  List<Customer> listCustomers(CustomerQuery query);

  /** Every key of a customer (active, revoked and expired), oldest first; empty when the customer is unknown. */
  List<CustomerKey> keysOf(String customerId);

  /** Every customer and every key, as objects (the in-memory view streams {@link #loadInto} instead). */
  RegistrySnapshot loadAll();

  /**
   * Streams, in one read snapshot, every customer and then every key into {@code sink}: only the columns the gate
   * decides from, without making {@link Customer}s or {@link CustomerKey}s. Returns the newest feed version
   * committed in that snapshot (as {@link RegistrySnapshot#feedVersion}). This default goes through
   * {@link #loadAll}; the stores override it with a streaming read.
   */
  default long loadInto(RegistryLoadSink sink) {
    RegistrySnapshot snapshot = loadAll();
    sink.expect(snapshot.customers().size(), snapshot.keys().size());
    snapshot.customers().forEach(sink::customer);
    snapshot.keys().forEach(sink::key);
    return snapshot.feedVersion();
  }

  /**
   * {@link #loadInto} on two threads: every customer into {@code customers} on the calling thread and every key into
   * {@code keys} on another, both from one snapshot, each sink called by one thread only. Returns that snapshot's
   * feed version, or empty when this store could not make sure both threads read one snapshot; the sinks may then
   * hold part of the rows and are not to be used. This default reads on one thread only: empty, nothing streamed.
   */
  default OptionalLong loadInParallel(RegistryLoadSink customers, RegistryLoadSink keys) {
    return OptionalLong.empty();
  }

  /**
   * The change feed: the changes committed with a feed version greater than {@code afterVersion}, oldest first, at
   * most {@code limit} of them, read in one snapshot. Every transaction of {@link #inTransaction} that wrote a
   * customer or key logs one entry per customer it changed (a key change counts for its customer).
   */
  FeedPage changesSince(long afterVersion, int limit);

  /**
   * Records {@code tiers} as the tiers of the catalog in force (a start's), in one transaction of its own. From then
   * on, {@link RegistryTransaction#insertCustomer} and {@link RegistryTransaction#updateCustomer} refuse to put a
   * customer on any other tier, on every node of this store.
   *
   * @throws IllegalArgumentException naming a stored customer whose tier is not in {@code tiers} (nothing changes)
   */
  void recordTiers(java.util.Collection<String> tiers);

  /**
   * Logs a reload by this store's node in the change feed, for the other nodes to follow, records {@code tiers} as
   * {@link #recordTiers} does, and appends its audit entry, in one transaction of their own. A write putting a
   * customer on a tier being removed either commits first (and the reload is refused) or is refused.
   *
   * @throws IllegalArgumentException naming a stored customer whose tier is not in {@code tiers} (nothing changes)
   */
  void announceReload(AuditEntry audit, java.util.Collection<String> tiers);

  /** Deletes the change-log entries committed before {@code cutoff}, keeping the newest; returns how many. */
  int pruneChanges(Instant cutoff);

  /**
   * Records {@code fingerprint} as the server secret's fingerprint unless one is recorded already, and returns the
   * one recorded: {@code fingerprint} itself the first time, the earlier one after that (two nodes starting at once
   * both get the first one's).
   */
  KeyDigest recordSecretFingerprint(KeyDigest fingerprint, Instant at);

  /** Every admin key stored (the generated first one); empty when none was ever generated. */
  List<AdminKey> adminKeys();

  /** Audit entries, newest first, with {@code id < query.beforeId()} when present. */
  List<AuditEntry> audit(AuditQuery query);

  /**
   * Moves each key's {@code last_used_at} forward to the given instant (never back); unknown key ids are ignored.
   * One transaction.
   */
  void touchKeys(java.util.Map<String, Instant> lastUsed);

  /** Whether the store answers a trivial query now. Never throws. */
  boolean isHealthy();

  /**
   * Whether {@code failure}, thrown by this store (registry or usage side), says that the store cannot be reached
   * now: no connection within the pool's wait, a connection refused, lost or shut down by the server. Callers then
   * answer {@code 503} at once instead of probing with {@link #isHealthy} (which would wait for the pool again).
   * {@code false} for anything else, a statement's own failure included. Never throws.
   */
  default boolean isUnreachable(RuntimeException failure) {
    return false;
  }

  @Override
  void close();

  /**
   * Filter and page of a customer listing.
   *
   * @param tier only this tier, when present
   * @param status only this status, when present
   * @param afterId only ids greater than this one (the cursor), when present
   * @param limit at most this many, 1 or more
   */
  /**
   * One page of customers ordered by id. {@code search} is a case-insensitive substring of the id, the name or the
   * email; {@code %} and {@code _} in it match literally. Case folding is ASCII-only on SQLite and
   * follows the database's locale on PostgreSQL, so only ASCII letters are guaranteed to fold the same on both.
   */
  record CustomerQuery(Optional<String> tier, Optional<CustomerStatus> status, Optional<String> search,
      Optional<String> afterId, int limit) {}

  /**
   * Filter and page of the audit log.
   *
   * @param customerId only entries about this customer, when present
   * @param beforeId only entries older than this id (the cursor), when present
   * @param limit at most this many, 1 or more
   */
  record AuditQuery(Optional<String> customerId, Optional<Long> beforeId, int limit) {}

  /**
   * Everything the registry view is built from.
   *
   * @param customers every stored customer
   * @param keys every stored key
   * @param feedVersion the newest feed version committed in the same snapshot: the view built from it holds
   *     every change up to that version
   */
  record RegistrySnapshot(List<Customer> customers, List<CustomerKey> keys, long feedVersion) {}

  /**
   * One page of the change feed.
   *
   * @param prunedThrough entries up to this version were pruned; a reader that applied less must reload
   * @param entries the entries asked for, oldest first
   */
  record FeedPage(long prunedThrough, List<FeedEntry> entries) {
    public FeedPage {
      entries = List.copyOf(entries);
    }
  }

  /** Used by {@link #purgeDeactivated}: the ids purged. */
  default List<String> purgeDeactivated(Instant deactivatedBefore, Function<String, AuditEntry> auditFor) {
    return inTransaction(tx -> {
      List<String> ids = tx.deactivatedBefore(deactivatedBefore);
      for (String id : ids) {
        tx.deleteCustomer(id);
        tx.appendAudit(auditFor.apply(id));
      }
      return ids;
    });
  }
}
