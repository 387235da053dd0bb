package io.tollgate.gate.redis;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stops calling Redis for {@code openNanos} after {@code threshold} failures in a row, so that an unreachable Redis
 * costs one fast refusal per request instead of a timeout each; after the pause calls go through again and the
 * first success closes it. Thread-safe; lock-free.
 */
final class CircuitBreaker {
  private final int threshold;
  private final long openNanos;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicLong openUntil = new AtomicLong(Long.MIN_VALUE);

  CircuitBreaker(int threshold, long openNanos) {
    this.threshold = threshold;
    this.openNanos = openNanos;
  }

  /** Whether a call may be tried now. */
  boolean allows(long nowNanos) {
    long until = openUntil.get();
    return until == Long.MIN_VALUE || nowNanos - until >= 0;
  }

  void succeeded() {
    failures.set(0);
    openUntil.set(Long.MIN_VALUE);
  }

  void failed(long nowNanos) {
    if (failures.incrementAndGet() >= threshold) {
      openUntil.set(nowNanos + openNanos);
    }
  }

  /** Whether the last calls failed (open, or half-open waiting for a success). */
  boolean isOpen() {
    return failures.get() >= threshold;
  }
}
