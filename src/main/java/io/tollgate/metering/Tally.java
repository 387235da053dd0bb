package io.tollgate.metering;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * One stripe of the in-memory aggregate: the recorders' threads are spread over several stripes so that they
 * rarely wait for each other, and each stripe's lock is held only for one map update (or, by the flusher, for
 * swapping the maps out). Thread-safe.
 *
 * <p>Each stripe carries the generation (the future of the batch being gathered) that its events join. The
 * flusher installs the same next generation in every stripe as it swaps their maps out, so every event of one
 * batch waits on the same future.
 */
final class Tally {
  private static final long SECONDS_PER_DAY = 86_400;

  private final LongAdder recorded;
  private Map<UsageKey, long[]> usage = new HashMap<>();
  private Map<RefusalKey, long[]> refusals = new HashMap<>();
  private Map<UsageKey, long[]> takenBack = new HashMap<>();
  private long events;
  private CompletableFuture<Void> generation;
  private boolean sealed;

  /**
   * @param recorded counts every event taken by any stripe, incremented under the stripe's lock
   * @param generation the future the first events join
   */
  Tally(LongAdder recorded, CompletableFuture<Void> generation) {
    this.recorded = recorded;
    this.generation = generation;
  }

  /** Units and requests of one customer × key × operation × UTC day (days since 1970-01-01). */
  record UsageKey(String customerId, String keyId, String operation, long epochDay) {}

  /** Refusals of one customer × key × code × UTC day (days since 1970-01-01). */
  record RefusalKey(String customerId, String keyId, String code, long epochDay) {}

  /**
   * What a stripe held when the flusher swapped it out; the maps are no longer shared. {@code takenBack} holds
   * billed requests to un-bill (units and requests to subtract), by the same key as the usage they cancel.
   */
  record Contents(Map<UsageKey, long[]> usage, Map<RefusalKey, long[]> refusals, Map<UsageKey, long[]> takenBack,
      long events, CompletableFuture<Void> generation) {}

  /** The UTC day of an instant, as days since 1970-01-01, without building a date. */
  static long epochDay(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), SECONDS_PER_DAY);
  }

  /**
   * Adds one billed request of {@code milli} thousandths of a unit.
   *
   * @return the generation the event joined, or {@code null} once the stripe is sealed (nothing was added)
   */
  synchronized CompletableFuture<Void> addUsage(UsageKey key, long milli) {
    if (sealed) {
      return null;
    }
    addOne(usage, key, milli);
    return generation;
  }

  /**
   * Takes back one billed request of {@code milli} thousandths of a unit, recorded before by {@link #addUsage}. Taken
   * also once the stripe is sealed: a take-back cancels usage counted before the seal, which the stopping flusher
   * still writes, so dropping it would leave billed a request that was refused (a strict commit bound that runs out
   * while the recorder closes).
   */
  synchronized void addTakeBack(UsageKey key, long milli) {
    addOne(takenBack, key, milli);
  }

  private void addOne(Map<UsageKey, long[]> into, UsageKey key, long milli) {
    long[] sums = into.computeIfAbsent(key, k -> new long[2]);
    sums[0] = Math.addExact(sums[0], milli);
    sums[1]++;
    counted();
  }

  /** Adds one refusal; {@code false} once the stripe is sealed (nothing was added). */
  synchronized boolean addRefusal(RefusalKey key) {
    if (sealed) {
      return false;
    }
    refusals.computeIfAbsent(key, k -> new long[1])[0]++;
    counted();
    return true;
  }

  private void counted() {
    events++;
    recorded.increment();
  }

  /**
   * Takes everything counted so far, and makes later events join {@code next}. Only the flusher calls this.
   */
  synchronized Contents swap(CompletableFuture<Void> next) {
    CompletableFuture<Void> current = generation;
    generation = next;
    if (events == 0) {
      return new Contents(Map.of(), Map.of(), Map.of(), 0, current);
    }
    Contents taken = new Contents(usage, refusals, takenBack, events, current);
    usage = new HashMap<>();
    refusals = new HashMap<>();
    takenBack = new HashMap<>();
    events = 0;
    return taken;
  }

  /**
   * Takes the refusals counted so far and leaves usage, take-backs and the generation in place (strict mode, while
   * the store fails: see {@link Flusher}). Only the flusher calls this.
   */
  synchronized Map<RefusalKey, long[]> swapRefusals() {
    if (refusals.isEmpty()) {
      return Map.of();
    }
    Map<RefusalKey, long[]> taken = refusals;
    refusals = new HashMap<>();
    events -= events(taken);
    return taken;
  }

  /** Gives back refusals {@link #swapRefusals} took and that could not be written; they were counted before. */
  synchronized void restoreRefusals(Map<RefusalKey, long[]> back) {
    back.forEach((key, count) -> refusals.computeIfAbsent(key, k -> new long[1])[0] += count[0]);
    events += events(back);
  }

  /** How many refusal events {@code refusals} holds (each one counted once by {@link #addRefusal}). */
  static long events(Map<RefusalKey, long[]> refusals) {
    long n = 0;
    for (long[] count : refusals.values()) {
      n += count[0];
    }
    return n;
  }

  /** Refuses every later usage and refusal (take-backs are still taken); what was counted stays to be swapped out. */
  synchronized void seal() {
    sealed = true;
  }

  /** The generation later events would join (the current batch's future, until the flusher swaps). */
  synchronized CompletableFuture<Void> generation() {
    return generation;
  }
}
