package io.tollgate.metering;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread ({@code tollgate-usage-replay}) that applies the spilled batches to the store, oldest first, each
 * with its own id, retrying every window while the store fails, so that the flusher never waits on a failing store
 * (a connection attempt can take seconds) and keeps spilling what is counted every window meanwhile. Once every
 * spilled batch is applied, {@link UsageSpill#replay} removes the file and the flusher applies directly again. A
 * batch that another process spilled (a file it left in this slot) and that the store takes now is handed to
 * {@code inherited}: its usage reached the store after this process read its quota seeds.
 */
final class SpillReplayer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SpillReplayer.class);

  private final UsageStore store;
  private final UsageSpill spill;
  private final FlushListener listener;
  private final String nodeId;
  private final Consumer<UsageBatch> inherited;
  private final BooleanSupplier mayReplay;
  private final StoreFailures failures;
  private final long windowNanos;
  private final Thread thread;
  private volatile boolean stopping;
  /** Whether the last replay attempt failed; read by the flusher at stop. */
  private volatile boolean lastFailed;

  /**
   * @param nodeId this process's node id: a spilled batch of another node is one a process before this one left
   * @param inherited told of each batch of another node that the store takes (not one it had already), on this
   *     thread; must return at once
   * @param mayReplay whether the spilled batches may be offered now (strict mode: not while the flusher retries a
   *     batch of its own)
   */
  SpillReplayer(UsageStore store, UsageSpill spill, FlushListener listener, StoreFailures failures, Duration window,
      String nodeId, Consumer<UsageBatch> inherited, BooleanSupplier mayReplay) {
    this.mayReplay = mayReplay;
    this.store = store;
    this.spill = spill;
    this.listener = listener;
    this.nodeId = nodeId;
    this.inherited = inherited;
    this.failures = failures;
    this.windowNanos = window.toNanos();
    this.thread = Thread.ofPlatform().name("tollgate-usage-replay").daemon().unstarted(this);
  }

  void start() {
    thread.start();
  }

  /** Whether the last attempt to replay failed (and none has succeeded since). */
  boolean lastFailed() {
    return lastFailed;
  }

  /** Stops after the attempt under way; waits up to {@code timeout} for the thread to end. */
  void stop(Duration timeout) {
    stopping = true;
    LockSupport.unpark(thread);
    try {
      thread.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    while (!stopping) {
      if (!spill.isEmpty() && mayReplay.getAsBoolean()) {
        replayOnce();
      }
      if (!stopping) {
        LockSupport.parkNanos(this, windowNanos);
      }
    }
  }

  /** Tells {@code inherited}; a failure there is logged, never taken for a failure of the batch (it is applied). */
  private void inherit(UsageBatch batch) {
    try {
      inherited.accept(batch);
    } catch (RuntimeException e) {
      LOG.warn("spilled usage batch {} applied, but not added to the quota counters: {}", batch.id(), e.toString());
    }
  }

  private void replayOnce() {
    long[] started = {System.nanoTime()};
    try {
      spill.replay((batch, events) -> {
        if (!store.apply(batch)) {
          LOG.info("spilled usage batch {} was applied before; not applied again", batch.id());
        } else if (!batch.node().equals(nodeId)) {
          inherit(batch);
        }
        listener.applied(events, System.nanoTime() - started[0]);
        started[0] = System.nanoTime();
      });
    } catch (RuntimeException e) {
      listener.failed(System.nanoTime() - started[0]);
      lastFailed = true;
      failures.failed("spilled usage (" + spill.status().batches() + " batches)", e);
      return;
    }
    lastFailed = false;
    failures.recovered();
  }
}
