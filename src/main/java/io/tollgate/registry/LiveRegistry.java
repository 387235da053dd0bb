package io.tollgate.registry;

import io.tollgate.config.Catalog;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the current {@link Catalog} and {@link RegistryView} and keeps them in step with the store: applies
 * {@link Change}s as they are published (by this node's services, or by the {@link ChangeReceiver} for changes of
 * other nodes) and swaps in a whole new view on reload. Readers call {@link #view()} and {@link #catalog()} without
 * locks; changes and reloads are serialized here, and each re-reads committed state, so none is lost and none
 * moves a customer back to an older version.
 */
public final class LiveRegistry implements ChangeFeed {
  private final RegistryStore store;
  private final AtomicReference<State> state;
  private volatile FeedFreshness freshness = FeedFreshness.unfollowed();
  private final java.util.concurrent.atomic.AtomicBoolean compacting = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.Executor compactor = r -> Thread.ofPlatform().name("tollgate-registry-compaction")
      .daemon().start(r);

  /** Customers changed while a compaction builds its new base (guarded by this); null when none runs. */
  private java.util.Set<String> changedWhileCompacting;

  /** The catalog, the view, and the feed version the view's last full load saw. */
  private record State(Catalog catalog, RegistryView view, long loadedVersion) {}

  /**
   * Counts of what a (re)load holds.
   *
   * @param customers customers in the view
   * @param keys keys in the view
   * @param tiers tiers in the catalog
   * @param routes routes configured
   */
  public record Counts(int customers, int keys, int tiers, int routes) {}

  private LiveRegistry(RegistryStore store, State initial) {
    this.store = store;
    this.state = new AtomicReference<>(initial);
  }

  /**
   * Loads the whole registry from the store and records the catalog's tiers there ({@link RegistryStore#recordTiers}),
   * so that no node puts a customer on another tier from then on. Blocking.
   *
   * @throws IllegalArgumentException when a stored customer's tier is not in the catalog
   */
  public static LiveRegistry load(RegistryStore store, Catalog catalog) {
    State loaded = build(store, catalog);
    store.recordTiers(tierNames(catalog));
    return new LiveRegistry(store, loaded);
  }

  private static List<String> tierNames(Catalog catalog) {
    return catalog.tiers().tiers().stream().map(io.tollgate.config.Tier::name).toList();
  }

  /**
   * Streams the store into a new compact base (on the calling thread, never an event loop's): customers here and
   * keys on a second thread when the store can give both one snapshot, else both here.
   */
  private static State build(RegistryStore store, Catalog catalog) {
    CompactBase.Builder builder = new CompactBase.Builder(catalog.tiers());
    CompactBase.KeyPart keys = new CompactBase.KeyPart();
    OptionalLong parallel = store.loadInParallel(builder, keys);
    long feedVersion;
    if (parallel.isPresent() && builder.adopt(keys)) {
      feedVersion = parallel.getAsLong();
    } else {
      builder = new CompactBase.Builder(catalog.tiers());
      feedVersion = store.loadInto(builder);
    }
    return new State(catalog, new RegistryView(catalog.tiers(), builder.build()), feedVersion);
  }

  public RegistryView view() {
    return state.get().view();
  }

  public Catalog catalog() {
    return state.get().catalog();
  }

  /** How current the view is; never stale while no {@link ChangeReceiver} follows the feed for it. */
  public FeedFreshness freshness() {
    return freshness;
  }

  void followedWith(FeedFreshness f) {
    this.freshness = f;
  }

  /** The feed version the last full (re)load read; the view holds at least every change up to it. */
  long loadedVersion() {
    return state.get().loadedVersion();
  }

  public Counts counts() {
    State s = state.get();
    return new Counts(s.view().customerCount(), s.view().keyCount(), s.catalog().tiers().size(),
        s.catalog().routes().size());
  }

  /**
   * Re-reads the changed customer from the store and applies it when it is newer; a purge ({@link Long#MAX_VALUE})
   * drops the customer first, so that a new customer with the same id (versions start again at 1) replaces it.
   * Blocking.
   */
  @Override
  public synchronized void publish(Change change) {
    RegistryView view = view();
    if (changedWhileCompacting != null) {
      changedWhileCompacting.add(change.customerId());
    }
    boolean purged = change.version() == Long.MAX_VALUE;
    if (purged) {
      view.remove(change.customerId());
    } else if (change.version() > 0 && change.version() <= view.versionOf(change.customerId())) {
      return;
    }
    store.findCustomer(change.customerId()).ifPresentOrElse(
        c -> view.apply(c, revokedAsWritten(c, store.keysOf(c.id()))),
        () -> view.remove(change.customerId()));
    if (view.overlaySize() > compactAfter(view) && compacting.compareAndSet(false, true)) {
      compactor.execute(this::compact);
    }
  }

  /**
   * The keys with every revocation that the writing node's clock had reached when it last wrote the customer
   * ({@code revoked_at} at or before the customer's {@code updated_at}, both stamped by that node) moved to the
   * epoch, so that this node refuses them at once whatever its own clock says: a node whose clock is behind the
   * writer's used to let a revoked key through until its clock reached the writer's {@code revoked_at} (2 s with
   * clocks 2 s apart). A revocation still ahead for the writer (a rotation's grace period) is left to this node's
   * clock. The view's {@code revoked_at} is read only for the key's status at the gate.
   */
  static List<CustomerKey> revokedAsWritten(Customer c, List<CustomerKey> keys) {
    return keys.stream().map(k -> k.revokedAt().filter(at -> at.isAfter(Instant.EPOCH) && !at.isAfter(c.updatedAt()))
        .map(at -> k.withRevokedAt(Instant.EPOCH)).orElse(k)).toList();
  }

  /**
   * How many changed customers the overlay holds before it is folded into a new base: 1/32 of the base, at least
   * 1,024 (an overlay entry costs a few hundred bytes, a base row a few dozen).
   */
  static int compactAfter(RegistryView view) {
    return Math.max(1_024, view.baseCustomerCount() / 32);
  }

  /**
   * Folds the overlay into a new base and swaps it in, on the compaction thread. The new base is built outside the
   * lock from a snapshot of the overlay, so changes go on meanwhile (into the current view, which lookups keep
   * reading); the customers they touched are then brought over under the lock, and the new view swapped in, before
   * the next change. A reload meanwhile wins: its view is newer than anything compacted here.
   */
  void compact() {
    compact(() -> {});
  }

  /** {@link #compact()}, running {@code whileBuilding} outside the lock once the new base is built (for tests). */
  void compact(Runnable whileBuilding) {
    try {
      RegistryView from;
      RegistryView.Snapshot snapshot;
      synchronized (this) {
        from = view();
        if (from.overlaySize() == 0) { // a reload since the hand-off has already left an empty overlay
          return;
        }
        snapshot = from.snapshot();
        changedWhileCompacting = new java.util.HashSet<>();
      }
      RegistryView next = from.compacted(snapshot);
      whileBuilding.run();
      synchronized (this) {
        State s = state.get();
        if (s.view() == from) {
          changedWhileCompacting.forEach(id -> next.replay(from, id));
          state.set(new State(s.catalog(), next, s.loadedVersion()));
        }
      }
    } finally {
      synchronized (this) {
        changedWhileCompacting = null; // also when the build failed: publish stops noting changes
      }
      compacting.set(false);
    }
  }

  /**
   * Builds a new view from the store with {@code catalog}, then records the catalog's tiers in the store and tells
   * the other nodes to reload too, writing {@code audit} in that same transaction, and swaps the view in; when the
   * view cannot be built or the store refuses the tiers, nothing changes. A write that puts a customer on a tier the
   * catalog drops either commits before that transaction (which then refuses) or is refused by the store; one that
   * committed after the build is applied to the new view when this returns. Blocking.
   *
   * @throws IllegalArgumentException when a stored customer's tier is not in the new catalog
   */
  public Counts reload(Catalog catalog, AuditEntry audit) {
    return reload(catalog, audit, () -> {});
  }

  /** {@link #reload}, running {@code afterBuild} once the new view is built, before the store is told (for tests). */
  synchronized Counts reload(Catalog catalog, AuditEntry audit, Runnable afterBuild) {
    State next = build(store, catalog);
    afterBuild.run();
    store.announceReload(audit, tierNames(catalog));
    state.set(next);
    return counts();
  }

  /** {@link #reload} without telling the other nodes: the reload a node makes when another one announced it. */
  synchronized Counts refresh(Catalog catalog) {
    state.set(build(store, catalog));
    return counts();
  }
}
