package io.tollgate.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Purges customers deactivated longer ago than the retention period, with their keys and usage; the audit log
 * keeps a {@code customer.purge} entry. Also prunes the change feed's log to its last {@link #CHANGES_KEPT} (a node
 * that was away longer reloads the whole registry). Blocking; run it on a worker.
 */
public final class RetentionJob {
  /** How long the change feed's entries are kept. */
  static final Duration CHANGES_KEPT = Duration.ofDays(1);
  private final RegistryStore store;
  private final ChangeFeed feed;
  private final Duration retention;
  private final InstantSource clock;

  public RetentionJob(RegistryStore store, ChangeFeed feed, Duration retention, InstantSource clock) {
    this.store = store;
    this.feed = feed;
    this.retention = retention;
    this.clock = clock;
  }

  /** Purges what is due now; returns the purged customer ids. */
  public List<String> run() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<String> purged = store.purgeDeactivated(now.minus(retention), id ->
        new AuditEntry(0, now, Actor.SYSTEM, "customer.purge", id, Optional.empty(), Map.of()));
    purged.forEach(id -> feed.publish(new Change(id, Long.MAX_VALUE)));
    store.pruneChanges(now.minus(CHANGES_KEPT));
    return purged;
  }
}
