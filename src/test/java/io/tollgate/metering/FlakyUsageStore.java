package io.tollgate.metering;

import io.tollgate.limits.Units;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real {@link UsageStore} that can be told to fail: before delegating (the store is down) or after it (the
 * commit succeeded but its acknowledgement was lost), or to hang in a call until told to work again (then it
 * delegates: a store call that was stuck and then commits). Remembers every call to {@link #apply}. Thread-safe.
 */
final class FlakyUsageStore implements UsageStore {
  /** What the next calls to {@link #apply} do. */
  enum Mode { WORK, FAIL_BEFORE, FAIL_AFTER, HANG }

  /** One call to {@link #apply}: the batch, and what the real store answered (empty when it was not called). */
  record Attempt(UsageBatch batch, Mode mode, Optional<Boolean> applied) {}

  private final UsageStore real;
  private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.WORK;
  private volatile int failuresLeft = Integer.MAX_VALUE;
  private volatile boolean hanging;

  FlakyUsageStore(UsageStore real) {
    this.real = real;
  }

  /** Fails every later call in {@code mode} until told otherwise. */
  void failing(Mode mode) {
    this.failuresLeft = Integer.MAX_VALUE;
    this.mode = mode;
  }

  /** Fails the next {@code times} calls in {@code mode}, then works again. */
  void failing(Mode mode, int times) {
    this.failuresLeft = times;
    this.mode = mode;
  }

  void working() {
    mode = Mode.WORK;
  }

  /** Whether a call to {@link #apply} is hanging now ({@link Mode#HANG}). */
  boolean hanging() {
    return hanging;
  }

  List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  /** Ids of the batches the real store was asked to apply, in call order (retries included). */
  List<String> idsReachingTheStore() {
    return attempts().stream().filter(a -> a.mode() != Mode.FAIL_BEFORE).map(a -> a.batch().id()).toList();
  }

  @Override
  public synchronized boolean apply(UsageBatch batch) {
    Mode now = failuresLeft > 0 ? mode : Mode.WORK;
    if (now != Mode.WORK) {
      failuresLeft--;
    }
    if (now == Mode.HANG) {
      hanging = true;
      while (mode == Mode.HANG) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      hanging = false;
    }
    if (now == Mode.FAIL_BEFORE) {
      attempts.add(new Attempt(batch, now, Optional.empty()));
      throw new IllegalStateException("store down (injected)");
    }
    boolean applied = real.apply(batch);
    attempts.add(new Attempt(batch, now, Optional.of(applied)));
    if (now == Mode.FAIL_AFTER) {
      throw new IllegalStateException("acknowledgement lost (injected)");
    }
    return applied;
  }

  @Override
  public UsageTotals totals(String customerId, LocalDate from, LocalDate to) {
    return real.totals(customerId, from, to);
  }

  @Override
  public Map<String, UsageTotals> totalsByCustomer(LocalDate from, LocalDate to) {
    return real.totalsByCustomer(from, to);
  }

  @Override
  public Map<String, Units> unitsByCustomer(LocalDate from, LocalDate to) {
    return real.unitsByCustomer(from, to);
  }

  @Override
  public List<ExportRow> exportRows(LocalDate from, LocalDate to) {
    return real.exportRows(from, to);
  }

  @Override
  public Billing billing(LocalDate from, LocalDate to) {
    return real.billing(from, to);
  }

  @Override
  public List<DailyUsage> daily(String customerId, LocalDate from, LocalDate to) {
    return real.daily(customerId, from, to);
  }

  @Override
  public java.util.Set<String> purgedKeys(java.util.Collection<String> keyIds) {
    return real.purgedKeys(keyIds);
  }
}
