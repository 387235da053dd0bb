package io.tollgate.registry;

import io.tollgate.config.TierCatalog;
import io.tollgate.keys.KeyDigest;
import io.tollgate.limits.Limits;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The in-memory registry the gate decides from: keys by digest, each with its customer's entry and the effective
 * limits. It is a compact, immutable {@link CompactBase} (primitive columns, built by a load) plus a small overlay
 * of the customers changed since: a changed customer's entry and keys go into the overlay first, then its base row
 * is masked, so a reader sees either the whole old customer or the whole new one. Lookups are lock-free; updates
 * come from {@link LiveRegistry} only (one writer at a time) and never move a customer back to an older version, so
 * a slow refresh can never bring a revoked key back. {@link LiveRegistry} folds a grown overlay into a new base
 * off the event loops ({@link #compacted}).
 *
 * <p>An entry holds what the gate decides from. An entry from the base is made on each lookup and does not hold a
 * customer's name, email, metadata, update and deactivation times, nor a key's name, display prefix, creation
 * and last-use times, or the key it replaced: those come back empty (instants as {@link java.time.Instant#EPOCH});
 * read the store for them.
 */
public final class RegistryView {
  private final TierCatalog tiers;
  private final CompactBase base;
  /** Base customer rows superseded by the overlay: a reader that sees a bit set finds the overlay complete. */
  private final AtomicLongArray masked;
  /** Customers changed since the base was built; an empty entry is a customer removed from the base. */
  private final ConcurrentHashMap<String, Changed> changed = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<KeyDigest, KeyEntry> changedKeys = new ConcurrentHashMap<>();
  private volatile int customerCount;
  private volatile int keyCount;

  /**
   * A customer with the limits in force for it.
   *
   * @param customer the customer (see the class comment for what a base entry holds)
   * @param limits its tier's limits with its overrides applied
   */
  public record CustomerEntry(Customer customer, Limits limits) {}

  /**
   * A key and its owner.
   *
   * @param key the key (see the class comment for what a base entry holds)
   * @param owner the owner's entry at the time the key was loaded
   */
  public record KeyEntry(CustomerKey key, CustomerEntry owner) {}

  /** A customer in the overlay: its entry (empty once removed) and every key it has. */
  record Changed(Optional<CustomerEntry> entry, List<CustomerKey> keys) {}

  RegistryView(TierCatalog tiers, CompactBase base) {
    this.tiers = tiers;
    this.base = base;
    this.masked = new AtomicLongArray(Math.max(1, (base.customerCount() + 63) >>> 6));
    this.customerCount = base.customerCount();
    this.keyCount = base.keyCount();
  }

  /** The key with this digest, whatever its status; empty when unknown. */
  public Optional<KeyEntry> findKey(KeyDigest digest) {
    KeyEntry e = changedKeys.get(digest);
    if (e != null) {
      return Optional.of(e);
    }
    int row = base.findKey(digest);
    if (row < 0) {
      return Optional.empty();
    }
    if (isMasked(base.customerOfKey(row))) {
      return Optional.ofNullable(changedKeys.get(digest));
    }
    return Optional.of(base.keyEntry(row, digest));
  }

  /** The customer's entry; empty when unknown or purged. */
  public Optional<CustomerEntry> findCustomer(String customerId) {
    Changed c = changed.get(customerId);
    if (c != null) {
      return c.entry();
    }
    int row = base.findCustomer(customerId);
    if (row < 0) {
      return Optional.empty();
    }
    if (isMasked(row)) {
      c = changed.get(customerId);
      return c == null ? Optional.empty() : c.entry();
    }
    return Optional.of(base.customerEntry(row));
  }

  public TierCatalog tiers() {
    return tiers;
  }

  public int customerCount() {
    return customerCount;
  }

  public int keyCount() {
    return keyCount;
  }

  /** Customers held in the overlay (changed since the base was built). */
  int overlaySize() {
    return changed.size();
  }

  int baseCustomerCount() {
    return base.customerCount();
  }

  /** The version of the customer held now, or -1 when none. */
  long versionOf(String customerId) {
    return findCustomer(customerId).map(e -> e.customer().version()).orElse(-1L);
  }

  /**
   * Replaces the customer and its keys when {@code customer} is newer than what the view holds.
   *
   * @throws IllegalArgumentException when the customer's tier is not in the catalog (nothing changes then)
   */
  void apply(Customer customer, List<CustomerKey> customerKeys) {
    if (customer.version() > versionOf(customer.id())) {
      put(customer, customerKeys);
    }
  }

  /** Drops a purged customer and its keys. */
  void remove(String customerId) {
    int row = base.findCustomer(customerId);
    boolean inBase = row >= 0 && !isMasked(row);
    Changed old = changed.get(customerId);
    if (!inBase && (old == null || old.entry().isEmpty())) {
      return;
    }
    if (row >= 0) {
      changed.put(customerId, new Changed(Optional.empty(), List.of()));
      mask(row);
    } else {
      changed.remove(customerId);
    }
    if (old != null) {
      old.keys().forEach(k -> changedKeys.remove(k.digest()));
    }
    customerCount--;
    keyCount -= old != null ? old.keys().size() : baseKeysOf(row);
  }

  private void put(Customer customer, List<CustomerKey> customerKeys) {
    Limits limits = EffectiveLimits.of(customer, tiers);
    CustomerEntry entry = new CustomerEntry(customer, limits);
    int row = base.findCustomer(customer.id());
    Changed old = changed.get(customer.id());
    int heldBefore = old != null ? (old.entry().isPresent() ? old.keys().size() : 0)
        : row >= 0 ? baseKeysOf(row) : 0;
    boolean existed = old != null ? old.entry().isPresent() : row >= 0;
    Set<KeyDigest> now = new HashSet<>();
    for (CustomerKey k : customerKeys) {
      changedKeys.put(k.digest(), new KeyEntry(k, entry));
      now.add(k.digest());
    }
    changed.put(customer.id(), new Changed(Optional.of(entry), List.copyOf(customerKeys)));
    if (row >= 0) {
      mask(row);
    }
    if (old != null) {
      for (CustomerKey k : old.keys()) {
        if (!now.contains(k.digest())) {
          changedKeys.remove(k.digest());
        }
      }
    }
    customerCount += existed ? 0 : 1;
    keyCount += now.size() - heldBefore;
  }

  /** A new view of the same content with an empty overlay: the base rows still current, then the overlay. */
  RegistryView compacted() {
    return compacted(snapshot());
  }

  /**
   * What a compaction folds, taken while no change is applied: the overlay's customers and the base rows they mask.
   * Both are copies (the overlay is small next to the base), so changes may go on while {@link #compacted(Snapshot)}
   * reads them.
   */
  Snapshot snapshot() {
    long[] bits = new long[masked.length()];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = masked.get(i);
    }
    return new Snapshot(Map.copyOf(changed), bits, customerCount, keyCount);
  }

  /** See {@link #snapshot()}. */
  record Snapshot(Map<String, Changed> changed, long[] masked, int customers, int keys) {}

  /**
   * A new view of the content as it was at {@code s}, with an empty overlay: the base rows still current then, then
   * that overlay. Reads only the immutable base and the snapshot, so it can run while changes are applied here; the
   * customers changed since are then brought over with {@link #replay}.
   */
  RegistryView compacted(Snapshot s) {
    CompactBase.Builder b = new CompactBase.Builder(tiers);
    b.expect(s.customers(), s.keys());
    base.copyInto(b, row -> (s.masked()[row >>> 6] & (1L << row)) == 0);
    s.changed().values().forEach(c -> c.entry().ifPresent(e -> {
      b.customer(e.customer());
      c.keys().forEach(b::key);
    }));
    return new RegistryView(tiers, b.build());
  }

  /**
   * Makes this view hold {@code customerId} exactly as {@code from} holds it now (whatever the versions: a purge
   * starts them again), for a customer changed in {@code from} after the snapshot this view was compacted from.
   */
  void replay(RegistryView from, String customerId) {
    Changed c = from.changed.get(customerId);
    if (c == null) {
      if (from.base.findCustomer(customerId) < 0) {
        remove(customerId); // added to from's overlay after its base, then purged: gone from the overlay too
      }
      return; // otherwise unchanged since from's base, which this view was built from
    }
    c.entry().ifPresentOrElse(e -> put(e.customer(), c.keys()), () -> remove(customerId));
  }

  private int baseKeysOf(int customerRow) {
    return base.keysOf(customerRow);
  }

  private boolean isMasked(int customerRow) {
    return (masked.get(customerRow >>> 6) & (1L << customerRow)) != 0;
  }

  private void mask(int customerRow) {
    int i = customerRow >>> 6;
    masked.set(i, masked.get(i) | (1L << customerRow));
  }
}
