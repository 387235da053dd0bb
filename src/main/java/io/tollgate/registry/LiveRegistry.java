package io.tollgate.registry;

import io.tollgate.config.Catalog;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the current {@link Catalog} and {@link RegistryView} and keeps them in step with the store: applies
 * {@link Change}s as they are published and swaps in a whole new view on reload. Readers call {@link #view()}
 * and {@link #catalog()} without locks; changes and reloads are serialized here so none is lost.
 */
public final class LiveRegistry implements ChangeFeed {
  private final RegistryStore store;
  private final AtomicReference<State> state;

  private record State(Catalog catalog, RegistryView view) {}

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
   * Loads the whole registry from the store. Blocking.
   *
   * @throws IllegalArgumentException when a stored customer's tier is not in the catalog
   */
  public static LiveRegistry load(RegistryStore store, Catalog catalog) {
    return new LiveRegistry(store, new State(catalog, RegistryView.build(store.loadAll(), catalog.tiers())));
  }

  public RegistryView view() {
    return state.get().view();
  }

  public Catalog catalog() {
    return state.get().catalog();
  }

  public Counts counts() {
    State s = state.get();
    return new Counts(s.view().customerCount(), s.view().keyCount(), s.catalog().tiers().size(),
        s.catalog().routes().size());
  }

  /** Re-reads the changed customer from the store and applies it when it is newer. Blocking. */
  @Override
  public synchronized void publish(Change change) {
    RegistryView view = view();
    if (change.version() != Long.MAX_VALUE && change.version() <= view.versionOf(change.customerId())) {
      return;
    }
    store.findCustomer(change.customerId()).ifPresentOrElse(
        c -> view.apply(c, store.keysOf(c.id())),
        () -> view.remove(change.customerId()));
  }

  /**
   * Builds a new view from the store with {@code catalog} and swaps it in; on any error nothing changes.
   * Blocking.
   *
   * @throws IllegalArgumentException when a stored customer's tier is not in the new catalog
   */
  public synchronized Counts reload(Catalog catalog) {
    RegistryView fresh = RegistryView.build(store.loadAll(), catalog.tiers());
    state.set(new State(catalog, fresh));
    return counts();
  }
}
