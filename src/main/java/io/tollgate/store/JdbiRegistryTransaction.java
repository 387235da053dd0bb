package io.tollgate.store;

import io.tollgate.keys.KeyDigest;
import io.tollgate.registry.AdminKey;
import io.tollgate.registry.AuditEntry;
import io.tollgate.registry.Customer;
import io.tollgate.registry.CustomerKey;
import io.tollgate.registry.RegistryTransaction;
import io.tollgate.registry.TierNotInCatalogException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The registry's statements on one handle inside a transaction; lives only as long as that transaction. A failed
 * statement is meant to end the transaction: on PostgreSQL every later statement of it fails too. It notes every
 * customer written (a key's write counts for its customer) for the change feed.
 */
final class JdbiRegistryTransaction implements RegistryTransaction {
  private final Handle handle;
  private final GuardedJdbi guard;
  private final Map<String, Long> changed = new LinkedHashMap<>();
  /** The tier of each customer as {@link #lockCustomer} read it: a write that keeps it needs no tier check. */
  private final Map<String, String> lockedTiers = new java.util.HashMap<>();

  JdbiRegistryTransaction(Handle handle, GuardedJdbi guard) {
    this.handle = handle;
    this.guard = guard;
  }

  /** Customer id → its version after this transaction (0 when only its keys were written, MAX_VALUE when purged). */
  Map<String, Long> changed() {
    return changed;
  }

  private void noted(String customerId, long version) {
    changed.merge(customerId, version, Math::max);
  }

  @Override
  public Optional<Customer> lockCustomer(String id) {
    String sql = CustomerRows.SELECT + " WHERE customer_id = :id" + guard.dialect().lockClause();
    Optional<Customer> c = guard.translating(() -> handle.createQuery(sql).bind("id", id).map(CustomerRows.MAPPER)
        .findOne());
    c.ifPresent(found -> lockedTiers.put(id, found.tier()));
    return c;
  }

  /** Refuses a write that puts the customer on a tier the recorded catalog lacks (see {@link StoredTiers}). */
  private void admitTier(Customer customer) {
    if (customer.tier().equals(lockedTiers.get(customer.id()))) {
      return; // already on it: a reload removing it would have been refused, so the check holds nothing new
    }
    if (!guard.translating(() -> StoredTiers.admit(handle, customer.tier(), guard.dialect().shareLockClause()))) {
      throw new TierNotInCatalogException(customer.tier());
    }
  }

  @Override
  public void insertCustomer(Customer customer) {
    admitTier(customer);
    guard.translating(() -> CustomerRows.bind(handle.createUpdate(CustomerRows.INSERT), customer).execute());
    noted(customer.id(), customer.version());
  }

  @Override
  public void updateCustomer(Customer customer) {
    admitTier(customer);
    int rows = guard.translating(() -> CustomerRows.bind(handle.createUpdate(CustomerRows.UPDATE), customer).execute());
    if (rows == 0) {
      throw StoreFailures.missing("customer", customer.id());
    }
    noted(customer.id(), customer.version());
  }

  @Override
  public List<CustomerKey> keysOf(String customerId) {
    return guard.translating(() -> handle.createQuery(KeyRows.SELECT + " WHERE customer_id = :id" + KeyRows.ORDER)
        .bind("id", customerId).map(KeyRows.MAPPER).list());
  }

  @Override
  public void insertKey(CustomerKey key) {
    guard.translating(() -> KeyRows.bind(handle.createUpdate(KeyRows.INSERT), key).execute());
    noted(key.customerId(), 0);
  }

  @Override
  public void updateKey(CustomerKey key) {
    int rows = guard.translating(() -> KeyRows.bindMutable(handle.createUpdate(KeyRows.UPDATE), key).execute());
    if (rows == 0) {
      throw StoreFailures.missing("key", key.id() + " of customer " + key.customerId());
    }
    noted(key.customerId(), 0);
  }

  @Override
  public void appendAudit(AuditEntry entry) {
    guard.translating(() -> AuditRows.bind(handle.createUpdate(AuditRows.INSERT), entry).execute());
  }

  @Override
  public void emit(io.tollgate.webhooks.WebhookEvent event) {
    guard.translating(() -> OutboxRows.write(handle, event));
  }

  @Override
  public void insertAdminKey(AdminKey key) {
    guard.translating(() -> handle.createUpdate(AdminKeyRows.INSERT)
        .bind("id", key.id())
        .bind("digest", key.digest().toHex())
        .bind("createdAt", Columns.millis(key.createdAt()))
        .execute());
  }

  @Override
  public boolean digestExists(KeyDigest digest) {
    String sql = "SELECT (SELECT COUNT(*) FROM api_keys WHERE digest = :digest)"
        + " + (SELECT COUNT(*) FROM admin_keys WHERE digest = :digest)";
    long count = guard.translating(() -> handle.createQuery(sql).bind("digest", digest.toHex()).mapTo(Long.class).one());
    return count > 0;
  }

  @Override
  public List<String> deactivatedBefore(Instant cutoff) {
    String sql = "SELECT customer_id FROM customers WHERE status = 'deactivated' AND deactivated_at < :cutoff"
        + " ORDER BY customer_id";
    return guard.translating(() -> handle.createQuery(sql).bind("cutoff", Columns.millis(cutoff))
        .mapTo(String.class).list());
  }

  @Override
  public void deleteCustomer(String id) {
    guard.translating(() -> {
      // its keys' ids are kept, so that usage of this creation reaching the store later is dropped (JdbiUsageStore)
      handle.createUpdate("INSERT INTO purged_keys (key_id) SELECT key_id FROM api_keys WHERE customer_id = :id"
          + " ON CONFLICT (key_id) DO NOTHING").bind("id", id).execute();
      for (String table : List.of("usage_daily", "refusals_daily", "usage_thresholds", "sla_at_risk", "key_expiring",
          "rate_limit_episodes", "api_keys", "customers")) {
        handle.createUpdate("DELETE FROM " + table + " WHERE customer_id = :id").bind("id", id).execute();
      }
      return null;
    });
    changed.put(id, Long.MAX_VALUE);
  }
}
