package io.tollgate.metering;

import static io.tollgate.metering.Metered.NOON;
import static io.tollgate.metering.Metered.units;
import static io.tollgate.metering.Metered.use;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tollgate.limits.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Strict durability: a record's stage completes once its usage has committed, many records per commit. */
final class BatchingUsageRecorderStrictTest {
  private static final Logger LOG = LoggerFactory.getLogger(BatchingUsageRecorderStrictTest.class);
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir
  Path dir;
  private Metered metered;

  @BeforeEach
  void open() {
    metered = new Metered(dir);
  }

  @AfterEach
  void closeAll() {
    metered.close();
  }

  @Test
  void record_strict_completesOnlyOnceTheUsageIsInTheStore() throws Exception {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, Duration.ofMillis(100));

    CompletableFuture<UsageTotals> seenOnCompletion = recorder.record(use("acme", "1.5"))
        .thenApply(done -> metered.totals("acme")).toCompletableFuture();

    assertThat(seenOnCompletion.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS).units()).isEqualTo(units("1.5"));
  }

  @Test
  void record_strictWhileTheStoreIsDown_completesOnlyAfterItIsBack() throws Exception {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, Duration.ofMillis(10));
    metered.store.failing(FlakyUsageStore.Mode.FAIL_BEFORE);

    CompletableFuture<Void> waiting = recorder.record(use("acme", "1")).toCompletableFuture();
    await().atMost(PATIENCE).until(() -> metered.store.attempts().size() >= 3);
    assertThat(waiting).isNotDone();
    metered.store.working();

    waiting.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(metered.totals("acme").units()).isEqualTo(units("1"));
  }

  @Test
  void record_strictFromManyWaitingThreads_groupCommitsFarFewerBatchesThanEvents() throws Exception {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, Duration.ofMillis(100));
    int threads = 32;
    int perThread = 50;
    AtomicBoolean allDurableOnCompletion = new AtomicBoolean(true);

    long started = System.nanoTime();
    BatchingUsageRecorderTest.onThreads(threads, t -> {
      for (int i = 0; i < perThread; i++) {
        // each thread waits for its record before the next, as a gate holds each strict response
        recorder.record(use("acme", "key_" + t, "put", "0.5", NOON)).toCompletableFuture()
            .get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        if (metered.totals("acme").byKey().getOrDefault("key_" + t, Units.ZERO).milli() < 500L * (i + 1)) {
          allDurableOnCompletion.set(false);
        }
      }
    });
    long millis = (System.nanoTime() - started) / 1_000_000;

    int events = threads * perThread;
    int batches = metered.store.attempts().size();
    LOG.info("strict: {} events from {} waiting threads in {} batches, {} ms", events, threads, batches, millis);
    assertThat(allDurableOnCompletion).isTrue();
    assertThat(batches).isLessThanOrEqualTo(events / 4);
    assertThat(metered.totals("acme").requests()).isEqualTo(events);
  }

  @Test
  void record_strictBurstWithoutWaiting_completesEveryStageInFewBatches() {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, Duration.ofMillis(100));
    int events = 10_000;

    long started = System.nanoTime();
    CompletableFuture<?>[] stages = new CompletableFuture<?>[events];
    for (int i = 0; i < events; i++) {
      stages[i] = recorder.record(use("acme", "0.5")).toCompletableFuture();
    }
    long recorded = System.nanoTime();

    CompletableFuture.allOf(stages).orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
    LOG.info("strict burst: {} records in {} ms, all durable after {} ms, {} batches", events,
        (recorded - started) / 1_000_000, (System.nanoTime() - started) / 1_000_000, metered.store.attempts().size());
    assertThat(metered.store.attempts().size()).isLessThan(events / 100);
    assertThat(metered.totals("acme").units()).isEqualTo(units("5000"));
  }

  @Test
  void recordRefusal_strict_neverWaitsAndIsDurableWithinAboutOneWindow() {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, Duration.ofMillis(50));

    recorder.recordRefusal(new RefusalEvent("acme", "", "rate_limited", NOON));

    await().atMost(PATIENCE).until(() -> metered.totals("acme").refusals()
        .equals(Map.of("rate_limited", 1L)));
  }

  @Test
  void record_strictNotDurableWithinTheCommitBound_failsAndIsNeverBilled() throws Exception {
    BatchingUsageRecorder recorder = givenUpWhile(FlakyUsageStore.Mode.FAIL_BEFORE);
    assertThat(metered.totals("acme").requests()).isZero();
    assertOnlyTheNextIsBilledOnceTheStoreIsBack(recorder);
  }

  @Test
  void record_strictCommittedButUnacknowledgedPastTheBound_isTakenBackOnce() throws Exception {
    // every attempt commits, its acknowledgement is lost
    BatchingUsageRecorder recorder = givenUpWhile(FlakyUsageStore.Mode.FAIL_AFTER);
    assertThat(metered.totals("acme").requests()).as("committed unseen").isEqualTo(1);
    assertOnlyTheNextIsBilledOnceTheStoreIsBack(recorder);
  }

  /** A strict recorder with a 200 ms commit bound whose first record, of 1 unit, is given up while the store fails. */
  private BatchingUsageRecorder givenUpWhile(FlakyUsageStore.Mode failure) {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, Duration.ofMillis(10),
        BatchingUsageRecorder.CLOSE_TIMEOUT, Duration.ofMillis(200));
    metered.store.failing(failure);
    CompletableFuture<Void> givenUp = recorder.record(use("acme", "1")).toCompletableFuture();
    assertThatThrownBy(() -> givenUp.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
        .hasCauseInstanceOf(CommitTimeoutException.class);
    return recorder;
  }

  private void assertOnlyTheNextIsBilledOnceTheStoreIsBack(BatchingUsageRecorder recorder) throws Exception {
    metered.store.working();
    recorder.record(use("acme", "2")).toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(metered.totals("acme").units()).isEqualTo(units("2")));
    assertThat(metered.totals("acme").requests()).isEqualTo(1);
  }

  @Test
  void close_commitBoundRunsOutWhileClosing_takesTheUsageBackInTheStore() throws Exception {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, Duration.ofMillis(10), PATIENCE,
        Duration.ofMillis(300));
    metered.store.failing(FlakyUsageStore.Mode.FAIL_AFTER); // each attempt commits, its acknowledgement is lost
    CompletableFuture<Void> givenUp = recorder.record(use("acme", "1")).toCompletableFuture();
    await().atMost(PATIENCE).until(() -> !metered.store.attempts().isEmpty());
    CompletableFuture<Void> closed = CompletableFuture.runAsync(recorder::close); // seals the stripes at once

    assertThatThrownBy(() -> givenUp.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
        .hasCauseInstanceOf(CommitTimeoutException.class);
    metered.store.working();
    closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(metered.totals("acme").requests()).as("refused at its bound, so not billed").isZero();
    assertThat(metered.totals("acme").units()).isEqualTo(Units.ZERO);
    assertThat(recorder.backlog()).isZero();
  }

  @Test
  void close_givesUpOnAHungStoreCall_thatThenCommits_theFailedWaiterIsTakenBack() throws Exception {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, Duration.ofMillis(10), Duration.ofMillis(200),
        Duration.ofMinutes(1));
    metered.store.failing(FlakyUsageStore.Mode.HANG);
    CompletableFuture<Void> waiting = recorder.record(use("acme", "1")).toCompletableFuture();
    await().atMost(PATIENCE).until(metered.store::hanging);

    recorder.close(); // gives up on the hung call (200 ms and the join grace): the waiter fails

    assertThat(waiting).isCompletedExceptionally();
    metered.store.working(); // the hung call goes on and commits the usage of the failed waiter
    await("a later batch takes it back").atMost(PATIENCE)
        .until(() -> metered.store.attempts().size() >= 2 && metered.totals("acme").requests() == 0);
    assertThat(metered.totals("acme").units()).isEqualTo(Units.ZERO);
  }

  @Test
  void takeBack_afterTheUsageCommitted_unbillsExactlyThatRequest() throws Exception {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, Duration.ofMillis(100));
    UsageEvent cut = use("acme", "1");
    recorder.record(cut).toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    recorder.record(use("acme", "0.5")).toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);

    recorder.takeBack(cut);

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(metered.totals("acme").units()).isEqualTo(units("0.5")));
    assertThat(metered.totals("acme").requests()).isEqualTo(1);
  }

  @Test
  void takeBack_batchMode_isAppliedWithinAWindow() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, Duration.ofMillis(20));
    UsageEvent cut = use("acme", "1.5");
    recorder.record(cut);
    await().atMost(PATIENCE).until(() -> metered.totals("acme").requests() == 1);

    recorder.takeBack(cut);

    await().atMost(PATIENCE).until(() -> metered.totals("acme").requests() == 0);
    assertThat(metered.totals("acme").units()).isEqualTo(Units.ZERO);
  }
}
