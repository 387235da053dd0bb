package io.tollgate.registry;

import io.tollgate.config.Catalog;
import io.tollgate.config.TollgateConfig;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of the change feed: on its own thread, waits for a {@link ChangeSignal} (a notice from another
 * node) or at most one poll interval, then asks the store for every change newer than the last version it applied
 * and applies them to the {@link LiveRegistry} in version order. Correctness rests on that catch-up alone; the
 * signal only makes it sooner (a signal that fails leaves the catch-up every poll interval). A node that fell behind
 * the pruned part of the change log reloads the registry. Every completed catch-up refreshes the view's
 * {@link FeedFreshness}.
 */
public final class ChangeReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeReceiver.class);
  static final int PAGE = 500;
  private static final Duration FIRST_RETRY = Duration.ofMillis(50);

  private final LiveRegistry live;
  private final RegistryStore store;
  private final ChangeSignal signal;
  private final Duration pollInterval;
  private final String nodeId;
  private final Supplier<Catalog> catalogReader;
  private final FeedFreshness freshness;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long applied;
  private int failures;
  private int signalFailures;

  private ChangeReceiver(LiveRegistry live, RegistryStore store, ChangeSignal signal, TollgateConfig.Registry policy,
      String nodeId, Supplier<Catalog> catalogReader) {
    this.live = live;
    this.store = store;
    this.signal = signal;
    this.pollInterval = policy.pollInterval();
    this.nodeId = nodeId;
    this.catalogReader = catalogReader;
    this.freshness = new FeedFreshness(policy.maxStaleness(), policy.refuseWhenStale(), System::nanoTime);
    this.applied = live.loadedVersion();
    this.thread = Thread.ofPlatform().name("tollgate-change-feed").daemon().unstarted(this::run);
  }

  /**
   * Starts following the feed for {@code live} from the version its load saw.
   *
   * @param nodeId this node's id: its own reload announcements are not applied again
   * @param catalogReader re-reads this node's configuration files when another node announces a reload; throws
   *     when they are invalid (then the registry is reloaded with the catalog in force)
   */
  public static ChangeReceiver start(LiveRegistry live, RegistryStore store, ChangeSignal signal,
      TollgateConfig.Registry policy, String nodeId, Supplier<Catalog> catalogReader) {
    ChangeReceiver r = new ChangeReceiver(live, store, signal, policy, nodeId, catalogReader);
    live.followedWith(r.freshness);
    r.thread.start();
    return r;
  }

  private void run() {
    while (running) {
      boolean listening = awaitSignal();
      if (!running) {
        return;
      }
      try {
        catchUp();
        freshness.synced();
        if (failures > 0) {
          LOG.info("change feed is back after {} failed attempts; applied through version {}", failures, applied);
          failures = 0;
        }
        if (!listening) {
          LockSupport.parkNanos(pollInterval.toNanos()); // the wait the signal could not do
        }
      } catch (RuntimeException e) {
        if (running) {
          failed(e);
        }
      }
    }
  }

  /**
   * Waits for a notice or one poll interval; false when the signal failed (its connection broke and cannot be opened
   * again: the database at its connection limit, say). That loses only the fast path: the catch-up, which reads
   * through the store's pool, goes on every poll interval, and the next wait tries to connect again.
   */
  private boolean awaitSignal() {
    try {
      signal.await(pollInterval);
      if (signalFailures > 0) {
        LOG.info("change feed notices are back after {} failed attempts", signalFailures);
        signalFailures = 0;
      }
      return true;
    } catch (RuntimeException e) {
      if (running) {
        signalFailures++;
        if (signalFailures == 1 || signalFailures % 100 == 0) {
          LOG.warn("change feed notices unavailable ({} attempts): {}; catching up every {} ms meanwhile",
              signalFailures, e.toString(), pollInterval.toMillis());
        }
      }
      return false;
    }
  }

  private void failed(RuntimeException e) {
    failures++;
    if (failures == 1 || failures % 100 == 0) {
      LOG.warn("change feed unreachable ({} attempts): {}; the registry is {} ms old", failures, e.toString(),
          freshness.age().toMillis());
    }
    long backoff = Math.min(pollInterval.toNanos(), FIRST_RETRY.toNanos() << Math.min(failures - 1, 10));
    LockSupport.parkNanos(backoff);
  }

  /** Applies every change newer than the last one applied, oldest first. Blocking. */
  void catchUp() {
    while (true) {
      RegistryStore.FeedPage page = store.changesSince(applied, PAGE);
      if (page.prunedThrough() > applied) {
        LOG.warn("change feed: versions {} to {} were pruned before this node read them; reloading the registry",
            applied + 1, page.prunedThrough());
        live.refresh(live.catalog());
        applied = Math.max(applied, live.loadedVersion());
        continue;
      }
      for (FeedEntry e : page.entries()) {
        apply(e);
        applied = e.version();
      }
      if (page.entries().size() < PAGE) {
        return;
      }
    }
  }

  private void apply(FeedEntry entry) {
    switch (entry) {
      case FeedEntry.CustomerChanged(long v, Change change) -> live.publish(change);
      case FeedEntry.Reloaded(long v, String by) -> {
        if (!by.equals(nodeId)) {
          reloadAsAnnounced(by);
        }
      }
    }
  }

  private void reloadAsAnnounced(String by) {
    Catalog catalog;
    try {
      catalog = catalogReader.get();
    } catch (RuntimeException e) {
      LOG.warn("node {} reloaded; this node's configuration is invalid ({}), so only the registry is reloaded", by,
          e.getMessage());
      catalog = live.catalog();
    }
    try {
      LiveRegistry.Counts counts = live.refresh(catalog);
      LOG.info("registry reloaded as node {} announced: {}", by, counts);
    } catch (IllegalArgumentException e) {
      LOG.warn("node {} reloaded; this node's new catalog does not fit the registry ({}), keeping its catalog", by,
          e.getMessage());
      live.refresh(live.catalog());
    }
  }

  /** The newest feed version applied. */
  public long appliedVersion() {
    return applied;
  }

  /** Stops the thread and closes the signal. */
  @Override
  public void close() {
    running = false;
    signal.close();
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
