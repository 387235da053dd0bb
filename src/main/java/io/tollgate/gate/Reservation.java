package io.tollgate.gate;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an allowed request holds until it is settled, exactly once: billed, released, or undone when the request
 * failed. Whoever settles first wins, so a failure handler and a late billing can never both move the counters.
 * Thread-safe.
 */
final class Reservation {
  private final AtomicBoolean open;
  private final long ticket;

  /**
   * @param held whether anything was taken (a dry run takes nothing and is born settled)
   * @param ticket the limiter's ticket for it ({@link Limiter.Admission#ticket()})
   */
  Reservation(boolean held, long ticket) {
    this.open = new AtomicBoolean(held);
    this.ticket = ticket;
  }

  /** What the limiter settles it by. */
  long ticket() {
    return ticket;
  }

  boolean isOpen() {
    return open.get();
  }

  /** Settles it; true for the first caller only, the one that must then move the counters. */
  boolean settle() {
    return open.compareAndSet(true, false);
  }
}
