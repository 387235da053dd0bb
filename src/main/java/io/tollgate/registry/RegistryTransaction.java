package io.tollgate.registry;

import io.tollgate.keys.KeyDigest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The operations available inside {@link RegistryStore#inTransaction}. Not thread-safe; valid only inside it. */
public interface RegistryTransaction {

  /** The customer, locked for update until the transaction ends; empty when unknown or purged. */
  Optional<Customer> lockCustomer(String id);

  /**
   * Inserts a new customer. The caller checked that the id is free ({@link #lockCustomer} empty).
   *
   * @throws TierNotInCatalogException when its tier is not among the tiers the last start or reload recorded
   *     ({@link RegistryStore#recordTiers}); the tier stays recorded until this transaction ends
   */
  void insertCustomer(Customer customer);

  /**
   * Replaces every field of the stored customer with the same id.
   *
   * @throws TierNotInCatalogException when it moves the customer (its tier differs from the one {@link #lockCustomer}
   *     read) onto a tier not among those the last start or reload recorded; kept as for {@link #insertCustomer}
   */
  void updateCustomer(Customer customer);

  /** Every key of the customer, oldest first. */
  List<CustomerKey> keysOf(String customerId);

  void insertKey(CustomerKey key);

  /** Replaces every mutable field (name, namespaces, revoked/expires/last used) of the key with the same id. */
  void updateKey(CustomerKey key);

  /**
   * Writes a webhook event into the outbox, for every enabled endpoint subscribed to its type, in this
   * transaction: it is delivered only if the change commits, and never lost once it has.
   */
  void emit(io.tollgate.webhooks.WebhookEvent event);

  /** Appends to the audit log; the store assigns the id. */
  void appendAudit(AuditEntry entry);

  void insertAdminKey(AdminKey key);

  /** Whether any customer key or admin key has this digest (a collision check before inserting a new key). */
  boolean digestExists(KeyDigest digest);

  /** Ids of customers deactivated strictly before {@code cutoff}. */
  List<String> deactivatedBefore(Instant cutoff);

  /** Deletes the customer, its keys and its usage rows; the audit log is kept. */
  void deleteCustomer(String id);
}
