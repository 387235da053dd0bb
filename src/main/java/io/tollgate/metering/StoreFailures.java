package io.tollgate.metering;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the usage store took the last batch offered to it, by the flusher or the spill replayer, and since when it
 * has failed; logs an outage at its start, about every {@value #LOG_EVERY_FAILURES} attempts, and at its end.
 * Thread-safe.
 */
final class StoreFailures {
  private static final Logger LOG = LoggerFactory.getLogger(StoreFailures.class);
  /** With the default 100 ms window, an outage is logged about every 5 s rather than at every retry. */
  private static final int LOG_EVERY_FAILURES = 50;

  private final InstantSource clock;
  private final Duration retry;
  private final String keeping;
  private int failures;
  private volatile boolean failing;
  private volatile Instant failingSince = Instant.EPOCH;

  /** {@code keeping}: where what the store did not take waits, for the log. */
  StoreFailures(InstantSource clock, Duration retry, String keeping) {
    this.clock = clock;
    this.retry = retry;
    this.keeping = keeping;
  }

  /** Whether the last attempt failed. */
  boolean failing() {
    return failing;
  }

  Instant since() {
    return failingSince;
  }

  /** Whether the store has failed, without taking anything, for longer than {@code d}. */
  synchronized boolean failingLongerThan(Duration d) {
    return failures > 0 && failingSince.plus(d).isBefore(clock.instant());
  }

  /** {@code what}: the batch that was not applied, for the log. */
  synchronized void failed(String what, RuntimeException e) {
    failing = true;
    failures++;
    if (failures == 1) {
      failingSince = clock.instant();
      LOG.warn("{} not applied; retrying every {} ms, {}", what, retry.toMillis(), keeping, e);
    } else if (failures % LOG_EVERY_FAILURES == 0) {
      LOG.warn("{} still not applied after {} attempts since {}: {}", what, failures, failingSince, e.toString());
    }
  }

  synchronized void recovered() {
    failing = false;
    if (failures > 0) {
      LOG.info("usage store is back: batch applied after {} attempts (failing since {})", failures + 1,
          failingSince);
      failures = 0;
    }
  }
}
