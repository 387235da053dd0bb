package io.tollgate.metering;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts usage in memory and writes it to a {@link UsageStore} in batches, each applied exactly once.
 *
 * <p><b>Aggregation.</b> Usage is summed by customer × key × operation × UTC day (units in milli-units, and
 * requests), refusals by customer × key × code × UTC day; memory grows with the number of distinct rows, not of
 * events, also while the store is down (strict mode, or a full spill). The UTC day is the day of the event's own {@code at}.
 *
 * <p><b>Flushing.</b> One daemon thread ({@code tollgate-usage-flusher}) swaps the aggregate out every flush
 * window into one {@link UsageBatch} with the id {@code nodeId + ":" + n} (n = 1, 2, … in order) and applies it.
 * When {@link UsageStore#apply} throws, the same batch, with the same id and rows, is retried every window before
 * anything newer, so a batch that committed but whose acknowledgement was lost is not counted twice ({@code apply}
 * answers {@code false} and that counts as success). Batches are applied one at a time, in order. In batch mode
 * the failed batch is retried from the spill file instead (see below), by a second daemon thread
 * ({@code tollgate-usage-replay}), and every newer batch goes there behind it until the spill is replayed.
 *
 * <p><b>Durability.</b> {@link Durability#BATCH}: {@link #record} answers an already completed stage; a crash loses
 * at most what was recorded in the last window and the batch being written. A batch the store did not take is
 * appended to the {@link UsageSpill} (synced to disk) and replayed, in order and with its id, before anything newer
 * once the store answers again, also by the next process on the same data directory; only when the spill is full
 * (or off) does a failed batch wait in memory, as it did before spilling existed, and then a crash loses it. {@link Durability#STRICT}: the stage
 * completes when the batch holding the event has committed. The flusher then starts a batch as soon as there is work
 * and the previous batch is done, without waiting to gather more: events recorded while a batch is being applied
 * form the next batch together (group commit), so a request waits for at most the transaction in flight plus its
 * own, never an extra window. Refusals never wait in either mode and are durable within about one window; in strict
 * mode, while a batch fails, the refusals counted after it are spilled (usage never is) and replayed once that
 * batch is applied, or by the next process.
 * Completion callbacks run on the flusher thread (or, for a commit bound that ran out, the JDK's delay thread): hand
 * work off, do not block in them.
 *
 * <p><b>Commit bound (strict).</b> A request whose usage is not durable within {@code commitTimeout} (the store
 * failing or hanging) is given up: its stage fails with {@link CommitTimeoutException} and its usage is taken back
 * ({@link #takeBack}). The batch holding it may still commit later (or may have committed with its acknowledgement
 * lost); the take-back is recorded after it, so it lands in that batch or a later one and the two cancel once both
 * are applied. The same holds whenever a strict stage fails, also when {@link #close} gives up on it: a failed stage
 * means the request is not billed, so its usage is always taken back, and a take-back is taken after the close too
 * (the stopping flusher writes it after the usage it cancels, and waits for the answers still completing). A
 * request is thus either answered and billed once, or refused and, once the store has taken every batch, not
 * billed.
 *
 * <p><b>Batch ids.</b> They are unique as long as no two recorders ever use the same {@code nodeId} on one store.
 * The gate passes a random UUID per process start, which gives that: a crashed node's batches keep their old node
 * id, so a retry of them can never collide with a batch of the restarted process.
 *
 * <p>Thread-safe: {@link #record} and {@link #recordRefusal} may be called from any number of threads (event
 * loops); they never block on the store, only for a map update under a lock shared by a few threads.
 */
public final class BatchingUsageRecorder implements UsageRecorder {
  /** How long {@link #close} retries a store that is down before giving up on what is left. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  /** How long a strict-mode request waits for its usage to commit: {@code metering.strict_commit_timeout}. */
  public static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration JOIN_GRACE = Duration.ofSeconds(2);
  private static final CompletionStage<Void> RECORDED = CompletableFuture.completedStage(null);
  private static final int MAX_STRIPES = 64;
  private static final Logger LOG = LoggerFactory.getLogger(BatchingUsageRecorder.class);
  /** A store that stays slow gives up many answers: the first is logged, then every this many. */
  private static final int LOG_EVERY_TIMEOUTS = 1000;

  private final List<Tally> tallies;
  private final int stripeMask;
  private final LongAdder recorded = new LongAdder();
  /** Strict stages not yet complete (their take-back, when they fail, counted before they leave). */
  private final AtomicLong waiting = new AtomicLong();
  private final AtomicLong timeouts = new AtomicLong();
  private final boolean strict;
  private final Flusher flusher;
  private final Duration closeTimeout;
  private final Duration commitTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BatchingUsageRecorder(UsageStore store, Duration flushWindow, Durability durability, String nodeId,
      InstantSource clock, Duration closeTimeout, Duration commitTimeout, FlushListener listener, UsageSpill spill,
      Consumer<UsageBatch> inherited) {
    int stripes = Math.min(MAX_STRIPES, Integer.highestOneBit(2 * Runtime.getRuntime().availableProcessors() - 1) << 1);
    CompletableFuture<Void> first = new CompletableFuture<>();
    List<Tally> list = new ArrayList<>(stripes);
    for (int i = 0; i < stripes; i++) {
      list.add(new Tally(recorded, first));
    }
    this.tallies = List.copyOf(list);
    this.stripeMask = stripes - 1;
    this.strict = durability == Durability.STRICT;
    this.closeTimeout = closeTimeout;
    this.commitTimeout = commitTimeout;
    this.flusher = new Flusher(store, tallies, recorded, waiting, flushWindow, durability, nodeId, clock, listener,
        spill, inherited);
  }

  /**
   * Starts a recorder and its flusher thread.
   *
   * @param store where batches go; called from the flusher thread only
   * @param flushWindow how often the aggregate is written (batch mode) and the retry interval while the store
   *     fails; between 1 ms and 60 s ({@code metering.flush_interval_ms}, 100 ms by default)
   * @param durability whether {@link #record} waits for the store
   * @param nodeId this process's identity in batch ids, a fresh random UUID per start (see the class comment)
   * @param clock the wall clock, for the times in log messages; windows are measured with a monotonic clock
   * @throws IllegalArgumentException when the window is out of range or the node id is blank
   */
  public static BatchingUsageRecorder start(UsageStore store, Duration flushWindow, Durability durability,
      String nodeId, InstantSource clock) {
    return start(store, flushWindow, durability, nodeId, clock, CLOSE_TIMEOUT, COMMIT_TIMEOUT, FlushListener.NONE,
        UsageSpill.none());
  }

  /** As {@link #start(UsageStore, Duration, Durability, String, InstantSource)}, telling {@code listener} of batches. */
  public static BatchingUsageRecorder start(UsageStore store, Duration flushWindow, Durability durability,
      String nodeId, InstantSource clock, FlushListener listener) {
    return start(store, flushWindow, durability, nodeId, clock, CLOSE_TIMEOUT, COMMIT_TIMEOUT, listener,
        UsageSpill.none());
  }

  /**
   * As {@link #start(UsageStore, Duration, Durability, String, InstantSource)}, with a strict-mode commit bound
   * ({@code metering.strict_commit_timeout}, at least 1 ms) and telling {@code listener} of batches.
   */
  public static BatchingUsageRecorder start(UsageStore store, Duration flushWindow, Durability durability,
      String nodeId, InstantSource clock, Duration commitTimeout, FlushListener listener) {
    return start(store, flushWindow, durability, nodeId, clock, CLOSE_TIMEOUT, commitTimeout, listener,
        UsageSpill.none());
  }

  /**
   * As {@link #start(UsageStore, Duration, Durability, String, InstantSource, Duration, FlushListener)}, writing
   * the batches the store does not take to {@code spill} (batch mode) and replaying what it holds first (either
   * mode). The recorder's flusher thread owns the spill from now on.
   */
  public static BatchingUsageRecorder start(UsageStore store, Duration flushWindow, Durability durability,
      String nodeId, InstantSource clock, Duration commitTimeout, FlushListener listener, UsageSpill spill) {
    return start(store, flushWindow, durability, nodeId, clock, CLOSE_TIMEOUT, commitTimeout, listener, spill);
  }

  /**
   * As {@link #start(UsageStore, Duration, Durability, String, InstantSource, Duration, FlushListener, UsageSpill)},
   * telling {@code inherited} of every batch another process left in the spill that the store takes now (on the
   * replay thread; it must return at once): usage that was not in the store when this process read it at start,
   * for the quota counters to add.
   */
  public static BatchingUsageRecorder start(UsageStore store, Duration flushWindow, Durability durability,
      String nodeId, InstantSource clock, Duration commitTimeout, FlushListener listener, UsageSpill spill,
      Consumer<UsageBatch> inherited) {
    return start(store, flushWindow, durability, nodeId, clock, CLOSE_TIMEOUT, commitTimeout, listener, spill,
        inherited);
  }

  static BatchingUsageRecorder start(UsageStore store, Duration flushWindow, Durability durability, String nodeId,
      InstantSource clock, Duration closeTimeout, Duration commitTimeout, FlushListener listener, UsageSpill spill) {
    return start(store, flushWindow, durability, nodeId, clock, closeTimeout, commitTimeout, listener, spill,
        batch -> { });
  }

  private static BatchingUsageRecorder start(UsageStore store, Duration flushWindow, Durability durability,
      String nodeId, InstantSource clock, Duration closeTimeout, Duration commitTimeout, FlushListener listener,
      UsageSpill spill, Consumer<UsageBatch> inherited) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(clock, "clock");
    if (flushWindow.compareTo(Duration.ofMillis(1)) < 0 || flushWindow.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("flush window must be between 1 ms and 60 s, not " + flushWindow);
    }
    if (nodeId.isBlank()) {
      throw new IllegalArgumentException("node id must not be blank");
    }
    if (commitTimeout.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("strict commit timeout must be at least 1 ms, not " + commitTimeout);
    }
    BatchingUsageRecorder recorder =
        new BatchingUsageRecorder(store, flushWindow, durability, nodeId, clock, closeTimeout, commitTimeout,
            Objects.requireNonNull(listener, "listener"), Objects.requireNonNull(spill, "spill"),
            Objects.requireNonNull(inherited, "inherited"));
    recorder.flusher.start();
    return recorder;
  }

  /**
   * Counts a billed request. Never waits. In batch mode the answer is already complete; in strict mode it completes
   * when the usage has committed, exceptionally with {@link CommitTimeoutException} when it has not within the
   * commit bound, or exceptionally when {@link #close} gave up on it; either way the usage is then taken back. After
   * {@link #close} the event is not counted and the answer is completed exceptionally with an
   * {@link IllegalStateException}.
   *
   * @throws NullPointerException when the event or one of its fields is null (such a row could never be written)
   */
  @Override
  public CompletionStage<Void> record(UsageEvent event) {
    CompletableFuture<Void> batch = stripe().addUsage(key(event), event.units().milli());
    if (batch == null) {
      return CompletableFuture.failedStage(new IllegalStateException("usage recorder is closed"));
    }
    if (!strict) {
      return RECORDED;
    }
    waiting.incrementAndGet();
    flusher.workArrived();
    CompletableFuture<Void> answer = new CompletableFuture<>();
    batch.whenComplete((v, e) -> {
      if (e == null) {
        answer.complete(null);
      } else {
        answer.completeExceptionally(e);
      }
    });
    // whichever completes the answer first decides: committed in time, or timed out and taken back (never both);
    // orTimeout cancels its timer once the answer is complete, so waiting answers hold no timer past their commit
    return answer.orTimeout(commitTimeout.toNanos(), TimeUnit.NANOSECONDS).handle((v, e) -> {
      try {
        if (e == null) {
          return v;
        }
        // a failed stage is a request not billed: its usage goes, whether the bound ran out or the close gave up
        takeBack(event);
        if (e instanceof TimeoutException) {
          long n = timeouts.incrementAndGet();
          if (n == 1 || n % LOG_EVERY_TIMEOUTS == 0) {
            LOG.warn("usage not durable within the strict commit timeout ({}): the request is not billed, its usage "
                + "taken back ({} so far)", commitTimeout, n);
          }
          throw new CommitTimeoutException(commitTimeout);
        }
        throw e instanceof CompletionException ce ? ce : new CompletionException(e);
      } finally {
        waiting.decrementAndGet();
      }
    }).minimalCompletionStage();
  }

  /** Also after {@link #close}: see {@link Tally#addTakeBack}. */
  @Override
  public void takeBack(UsageEvent event) {
    stripe().addTakeBack(key(event), event.units().milli());
    if (strict) {
      flusher.workArrived();
    }
  }

  private static Tally.UsageKey key(UsageEvent event) {
    return new Tally.UsageKey(Objects.requireNonNull(event.customerId(), "customerId"),
        Objects.requireNonNull(event.keyId(), "keyId"), Objects.requireNonNull(event.operation(), "operation"),
        Tally.epochDay(event.at()));
  }

  /**
   * Counts a refusal or an engine error. Never waits; after {@link #close} it is ignored.
   *
   * @throws NullPointerException when the event or one of its fields is null
   */
  @Override
  public void recordRefusal(RefusalEvent event) {
    stripe().addRefusal(new Tally.RefusalKey(Objects.requireNonNull(event.customerId(), "customerId"),
        Objects.requireNonNull(event.keyId(), "keyId"), Objects.requireNonNull(event.code(), "code"),
        Tally.epochDay(event.at())));
  }

  @Override
  public boolean storeFailing() {
    return flusher.failing();
  }

  /** Events (usage and refusals) counted and neither applied to the store nor spilled yet; never negative. */
  @Override
  public long backlog() {
    long durable = flusher.durableEvents();
    return Math.max(0, recorded.sum() - durable);
  }

  /**
   * Stops taking events (take-backs excepted), flushes everything counted, retrying a failing store for at most
   * {@link #CLOSE_TIMEOUT}, completes every strict waiter (exceptionally for usage that could not be written, which
   * is then taken back) and stops the flusher thread.
   * Blocks until then (plus a short grace when the store hangs in a call), except when called from a completion
   * callback, which runs on the flusher thread: then it returns at once and the flusher finishes on its own.
   * Idempotent; a second call waits as the first does.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      tallies.forEach(Tally::seal);
      flusher.stop(closeTimeout);
    }
    if (flusher.isCurrentThread()) {
      return; // called from a completion callback: the flusher finishes the work once the callback returns
    }
    if (!flusher.awaitStopped(closeTimeout.plus(JOIN_GRACE))) {
      flusher.abandon();
    }
  }

  /** The stripe of the calling thread: event loops are long-lived threads, so each mostly keeps its own. */
  private Tally stripe() {
    long id = Thread.currentThread().threadId();
    return tallies.get((int) (id ^ (id >>> 16)) & stripeMask);
  }
}
