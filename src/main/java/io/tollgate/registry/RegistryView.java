package io.tollgate.registry;

import io.tollgate.config.TierCatalog;
import io.tollgate.keys.KeyDigest;
import io.tollgate.limits.Limits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory registry the gate decides from: keys by digest, each pointing at its customer's entry with the
 * effective limits. Lookups are lock-free map reads; updates come from {@link LiveRegistry} only and never move a
 * customer back to an older version, so a slow refresh can never bring a revoked key back.
 */
public final class RegistryView {
  private final TierCatalog tiers;
  private final ConcurrentHashMap<KeyDigest, KeyEntry> keys;
  private final ConcurrentHashMap<String, CustomerEntry> customers;

  /**
   * A customer with the limits in force for it.
   *
   * @param customer the stored customer
   * @param limits its tier's limits with its overrides applied
   * @param keyDigests digests of all its keys, to replace them on a change
   */
  public record CustomerEntry(Customer customer, Limits limits, List<KeyDigest> keyDigests) {}

  /**
   * A key and its owner.
   *
   * @param key the stored key
   * @param owner the owner's entry at the time the key was loaded
   */
  public record KeyEntry(CustomerKey key, CustomerEntry owner) {}

  private RegistryView(TierCatalog tiers, int expectedKeys, int expectedCustomers) {
    this.tiers = tiers;
    this.keys = new ConcurrentHashMap<>(Math.max(16, expectedKeys * 4 / 3));
    this.customers = new ConcurrentHashMap<>(Math.max(16, expectedCustomers * 4 / 3));
  }

  /**
   * Builds a view of the whole snapshot with the catalog's limits.
   *
   * @throws IllegalArgumentException naming a customer whose tier is not in the catalog
   */
  static RegistryView build(RegistryStore.RegistrySnapshot snapshot, TierCatalog tiers) {
    RegistryView view = new RegistryView(tiers, snapshot.keys().size(), snapshot.customers().size());
    Map<String, List<CustomerKey>> byCustomer = new HashMap<>();
    for (CustomerKey k : snapshot.keys()) {
      byCustomer.computeIfAbsent(k.customerId(), id -> new ArrayList<>()).add(k);
    }
    for (Customer c : snapshot.customers()) {
      view.put(c, byCustomer.getOrDefault(c.id(), List.of()));
    }
    return view;
  }

  /** The key with this digest, whatever its status; empty when unknown. */
  public Optional<KeyEntry> findKey(KeyDigest digest) {
    return Optional.ofNullable(keys.get(digest));
  }

  /** The customer's entry; empty when unknown or purged. */
  public Optional<CustomerEntry> findCustomer(String customerId) {
    return Optional.ofNullable(customers.get(customerId));
  }

  public TierCatalog tiers() {
    return tiers;
  }

  public int customerCount() {
    return customers.size();
  }

  public int keyCount() {
    return keys.size();
  }

  /** The version of the customer held now, or -1 when none. */
  long versionOf(String customerId) {
    CustomerEntry e = customers.get(customerId);
    return e == null ? -1 : e.customer().version();
  }

  /** Replaces the customer and its keys when {@code customer} is newer than what the view holds. */
  void apply(Customer customer, List<CustomerKey> customerKeys) {
    if (customer.version() > versionOf(customer.id())) {
      put(customer, customerKeys);
    }
  }

  /** Drops a purged customer and its keys. */
  void remove(String customerId) {
    CustomerEntry old = customers.remove(customerId);
    if (old != null) {
      old.keyDigests().forEach(keys::remove);
    }
  }

  private void put(Customer customer, List<CustomerKey> customerKeys) {
    Limits limits = EffectiveLimits.of(customer, tiers);
    List<KeyDigest> digests = customerKeys.stream().map(CustomerKey::digest).toList();
    CustomerEntry entry = new CustomerEntry(customer, limits, digests);
    CustomerEntry old = customers.put(customer.id(), entry);
    for (CustomerKey k : customerKeys) {
      keys.put(k.digest(), new KeyEntry(k, entry));
    }
    if (old != null) {
      for (KeyDigest d : old.keyDigests()) {
        if (!digests.contains(d)) {
          keys.remove(d);
        }
      }
    }
  }
}
