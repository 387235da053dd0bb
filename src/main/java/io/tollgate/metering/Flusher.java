package io.tollgate.metering;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that swaps the stripes out into batches and applies them to the store in order. A batch that
 * failed is kept, with its id and rows, and retried on the next tick before anything newer is drained; what is
 * recorded meanwhile waits in the stripes for the next batch. In batch mode a batch that failed goes to the
 * {@link UsageSpill} instead, and so does every batch drained while the spill holds anything: the
 * {@link SpillReplayer} applies those, oldest first, on its own thread, so this thread never waits on a failing
 * store and spills what is counted every window. Only a batch that does not fit in the spill stays pending here, in
 * memory. In strict mode a failed batch stays pending here, but the refusals counted behind it are spilled every
 * window (see {@link #spillRefusals}), and the replayer waits until that batch is applied. Pacing uses
 * {@link System#nanoTime()}, so a wall clock that jumps changes no window. Fields without {@code volatile} belong to
 * the flusher thread alone.
 */
final class Flusher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Flusher.class);

  private final UsageStore store;
  private final List<Tally> tallies;
  private final LongAdder recorded;
  private final AtomicLong waiting;
  private final long windowNanos;
  private final boolean strict;
  private final String nodeId;
  private final Thread thread;
  private final FlushListener listener;
  private final UsageSpill spill;
  private final StoreFailures failures;
  private final SpillReplayer replayer;

  private volatile boolean parked;
  private volatile boolean stopping;
  private volatile long stopDeadline;
  private volatile long durable;
  private volatile Pending pending;
  /** The pending batch failed at least once and is not applied yet. */
  private volatile boolean retrying;
  private long drained;
  private long sequence;

  /** A batch taken from the stripes and not yet known to be applied, with the future its events wait on. */
  private record Pending(UsageBatch batch, long events, CompletableFuture<Void> generation) {}

  /** How often a stopping flusher looks again at strict answers still completing (they may take usage back). */
  private static final long WAITERS_POLL_NANOS = Duration.ofMillis(1).toNanos();

  /**
   * @param recorded events counted by the stripes
   * @param waiting strict stages not complete yet: one that fails counts its take-back before it leaves, so the
   *     stopping flusher waits for them before its last drain
   * @param spill where batch mode writes the batches the store refuses, replayed from there
   * @param inherited told of each batch another process spilled that the store takes from the spill now
   */
  Flusher(UsageStore store, List<Tally> tallies, LongAdder recorded, AtomicLong waiting, Duration window,
      Durability durability, String nodeId, InstantSource clock, FlushListener listener, UsageSpill spill,
      java.util.function.Consumer<UsageBatch> inherited) {
    this.listener = listener;
    this.spill = spill;
    this.store = store;
    this.tallies = List.copyOf(tallies);
    this.recorded = recorded;
    this.waiting = waiting;
    this.windowNanos = window.toNanos();
    this.strict = durability == Durability.STRICT;
    this.nodeId = nodeId;
    this.failures = new StoreFailures(clock, window,
        strict ? "keeping it in memory (the refusals counted meanwhile go to the spill file)"
            : "writing what waits to the spill file (in memory when it is full)");
    // strict mode: spilled batches wait while a failed batch is retried, so that none is applied before it (an
    // unacknowledged commit of it must still be known by its id when it is sent again); a batch on its first attempt
    // does not hold them back, so a busy strict node, which always has one in flight, still replays
    this.replayer = new SpillReplayer(store, spill, listener, failures, window, nodeId, inherited,
        () -> !strict || !retrying);
    this.thread = Thread.ofPlatform().name("tollgate-usage-flusher").daemon().unstarted(this);
  }

  void start() {
    replayer.start();
    thread.start();
  }

  /** Wakes the thread when it waits for work (strict mode); cheap when it does not: one volatile read. */
  void workArrived() {
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  /** Events applied to the store or written to the spill file so far. */
  long durableEvents() {
    return durable;
  }

  /** Asks the thread to flush what is left, retrying for at most {@code timeout}, then to stop. Call once. */
  void stop(Duration timeout) {
    stopDeadline = System.nanoTime() + timeout.toNanos();
    stopping = true;
    LockSupport.unpark(thread);
  }

  boolean isCurrentThread() {
    return Thread.currentThread() == thread;
  }

  /** Waits up to {@code timeout} for the thread to end; {@code true} when it has. Not on the thread itself. */
  boolean awaitStopped(Duration timeout) {
    try {
      return thread.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !thread.isAlive();
    }
  }

  @Override
  public void run() {
    try {
      while (!stopping) {
        long started = System.nanoTime();
        if (!flushOnce()) {
          awaitTick(System.nanoTime() + windowNanos, false);
        } else if (strict) {
          awaitTick(System.nanoTime() + windowNanos, true);
        } else {
          awaitTick(started + windowNanos, false);
        }
      }
      finish();
    } catch (RuntimeException | Error e) {
      LOG.error("usage flusher stopped unexpectedly", e);
      abandon();
      throw e;
    }
  }

  /**
   * Applies the pending batch, or else drains a new one; in batch mode, while the spill holds batches, spills it
   * instead. {@code false} when the batch is still pending: the store failed (and, in batch mode, the spill is full).
   */
  private boolean flushOnce() {
    if (pending == null) {
      pending = drain();
    }
    Pending p = pending;
    if (p == null) {
      return true;
    }
    if (!strict && !spill.isEmpty()) {
      return spillPending(); // after the batches spilled before it; the replayer applies them in order
    }
    long started = System.nanoTime();
    try {
      if (!store.apply(p.batch())) {
        LOG.info("usage batch {} was applied before (its acknowledgement was lost); not applied again", p.batch().id());
      } else if (failures.failingLongerThan(UsageStore.SILENT_NODE_WINDOW)) {
        LOG.error("usage batch {} applied after the store failed for longer than {} (since {}): other nodes may have "
            + "forgotten its id, so if an earlier attempt committed unseen, it is now counted twice",
            p.batch().id(), UsageStore.SILENT_NODE_WINDOW, failures.since());
      }
    } catch (RuntimeException e) {
      retrying = true;
      listener.failed(System.nanoTime() - started);
      failures.failed("usage batch " + p.batch().id() + " (" + p.events() + " events)", e);
      if (!spillPending() && strict) {
        spillRefusals();
      }
      return false;
    }
    listener.applied(p.events(), System.nanoTime() - started);
    done(p);
    spill.drainedFromMemory();
    failures.recovered();
    return true;
  }

  /** The pending batch is applied or spilled: its events are durable. */
  private void done(Pending p) {
    durable += p.events();
    pending = null;
    retrying = false;
    p.generation().complete(null);
  }

  /**
   * Batch mode: moves the pending batch to the spill file; {@code false} when it stays pending in memory (strict
   * mode, or the spill is full or cannot be written).
   */
  private boolean spillPending() {
    Pending p = pending;
    if (strict || !spill.append(p.batch(), p.events())) {
      return false;
    }
    done(p);
    return true;
  }

  /**
   * Strict mode, while the pending batch fails: the refusals counted since it was drained go to the spill file in a
   * batch of their own, so that they outlive a crash during the outage as batch mode's do (strict mode refuses new
   * requests up front then, and those refusals count against the SLA). Nothing waits on a refusal, so the file is
   * as good as the store for them; usage and take-backs stay in the stripes for the store itself, behind the pending
   * batch. The pending batch is never split: an attempt of it may have committed unacknowledged, so it is only ever
   * sent again whole, under its id. When the file does not take the batch, the refusals go back to the stripes.
   */
  private void spillRefusals() {
    BatchRows rows = new BatchRows();
    for (Tally tally : tallies) {
      rows.addRefusals(tally.swapRefusals());
    }
    if (rows.events() == 0) {
      return;
    }
    UsageBatch batch = rows.toBatch(nodeId + ":" + (sequence + 1));
    if (spill.append(batch, rows.events())) {
      sequence++;
      drained += rows.events();
      durable += rows.events();
    } else {
      tallies.getFirst().restoreRefusals(rows.refusals());
    }
  }

  /** Swaps every stripe out into one batch; {@code null} when nothing was recorded since the last drain. */
  private Pending drain() {
    CompletableFuture<Void> next = new CompletableFuture<>();
    CompletableFuture<Void> taken = null;
    BatchRows rows = new BatchRows();
    for (Tally tally : tallies) {
      Tally.Contents contents = tally.swap(next);
      rows.add(contents);
      taken = contents.generation();
    }
    if (rows.events() == 0) {
      taken.complete(null);
      return null;
    }
    drained += rows.events();
    sequence++;
    return new Pending(rows.toBatch(nodeId + ":" + sequence), rows.events(), taken);
  }

  private boolean hasWork() {
    return recorded.sum() > drained;
  }

  /** Waits until {@code deadline}, a stop request, or (when {@code wakeOnWork}) the first event recorded. */
  private void awaitTick(long deadline, boolean wakeOnWork) {
    while (!stopping && !(wakeOnWork && hasWork())) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      parked = wakeOnWork;
      // checked again after announcing the wait: an event counted before this read is seen here, one counted
      // after it sees parked and unparks
      if (!(wakeOnWork && hasWork())) {
        LockSupport.parkNanos(this, left);
      }
      parked = false;
    }
  }

  /**
   * After a stop request: flushes everything, retrying until the stop deadline, then fails what is left. What is
   * spilled is replayed until the deadline while the store takes it; the rest stays in the file for the next start.
   * Strict answers still completing are waited for too: one whose commit bound ran out takes its usage back, and
   * that take-back must be written after the usage it cancels, not dropped.
   */
  private void finish() {
    while (pending != null || hasWork() || waiting.get() > 0) {
      long left = stopDeadline - System.nanoTime();
      if (pending == null && !hasWork()) {
        if (left <= 0) {
          break;
        }
        LockSupport.parkNanos(this, Math.min(left, WAITERS_POLL_NANOS));
        continue;
      }
      if (flushOnce()) {
        continue;
      }
      if (!waitBeforeRetry()) {
        break;
      }
    }
    while (!spill.isEmpty() && !replayer.lastFailed() && waitBeforeRetry()) {
      // the replayer applies what the last windows spilled
    }
    replayer.stop(Duration.ofNanos(Math.max(0, stopDeadline - System.nanoTime())).plusSeconds(1));
    abandon();
  }

  /** Waits one window, or until the stop deadline; {@code false} when the deadline has passed. */
  private boolean waitBeforeRetry() {
    long left = stopDeadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    LockSupport.parkNanos(this, Math.min(left, windowNanos));
    return true;
  }

  /**
   * Completes exceptionally the futures of every event not applied yet: the pending batch's and the stripes'.
   * Safe from any thread; a future already completed stays as it is.
   */
  void abandon() {
    long notDurable = recorded.sum() - durable;
    IllegalStateException failure = new IllegalStateException(
        "usage recorder closed before the usage was known to be durable (" + notDurable + " events)");
    Pending p = pending;
    if (p != null) {
      p.generation().completeExceptionally(failure);
    }
    tallies.getFirst().generation().completeExceptionally(failure);
    if (notDurable > 0) {
      LOG.error("usage recorder stopped with {} events not known to be durable (store failing since {})",
          notDurable, failures.since());
    }
    if (!spill.isEmpty()) {
      LOG.warn("usage recorder stopped with {} batches in the spill file; the next start replays them",
          spill.status().batches());
    }
  }

  /** Whether the store refused the last batch and has taken none since. */
  boolean failing() {
    return failures.failing();
  }
}
