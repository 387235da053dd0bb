package io.tollgate.registry;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How current the in-memory registry is: when the {@link ChangeReceiver} last completed a catch-up with the store.
 * Past {@code maxStaleness} the view is stale: changes made through other nodes may be missing from it. Reads are
 * lock-free (one volatile); thread-safe.
 */
public final class FeedFreshness {
  private static final FeedFreshness UNFOLLOWED = new FeedFreshness(Long.MAX_VALUE, false, System::nanoTime);

  private final long maxStalenessNanos;
  private final boolean refuseWhenStale;
  private final LongSupplier nanoTime;
  private volatile long lastSync;

  FeedFreshness(Duration maxStaleness, boolean refuseWhenStale, LongSupplier nanoTime) {
    this(maxStaleness.toNanos(), refuseWhenStale, nanoTime);
  }

  private FeedFreshness(long maxStalenessNanos, boolean refuseWhenStale, LongSupplier nanoTime) {
    this.maxStalenessNanos = maxStalenessNanos;
    this.refuseWhenStale = refuseWhenStale;
    this.nanoTime = nanoTime;
    this.lastSync = nanoTime.getAsLong();
  }

  /** A view no receiver follows (tools and tests that load the registry once): never stale. */
  static FeedFreshness unfollowed() {
    return UNFOLLOWED;
  }

  /** The receiver caught up now. */
  void synced() {
    lastSync = nanoTime.getAsLong();
  }

  /** Time since the last completed catch-up. */
  public Duration age() {
    return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - lastSync));
  }

  /** Whether the last catch-up is older than the allowed staleness. */
  public boolean isStale() {
    return nanoTime.getAsLong() - lastSync > maxStalenessNanos;
  }

  /** Whether the gate must refuse (503) instead of deciding: stale, with {@code registry.on_stale: refuse}. */
  public boolean refusesDecisions() {
    return refuseWhenStale && isStale();
  }
}
