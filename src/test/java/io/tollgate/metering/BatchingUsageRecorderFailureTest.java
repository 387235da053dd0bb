package io.tollgate.metering;

import static io.tollgate.metering.Metered.NOON;
import static io.tollgate.metering.Metered.units;
import static io.tollgate.metering.Metered.use;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.limits.FakeClock;
import io.tollgate.metering.FlakyUsageStore.Attempt;
import io.tollgate.metering.FlakyUsageStore.Mode;
import io.tollgate.store.CapturedLogs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the recorder does when the store fails: nothing lost, nothing counted twice, batches in order. */
final class BatchingUsageRecorderFailureTest {
  private static final Duration WINDOW = Duration.ofMillis(20);
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
  void apply_storeDownForAWhile_retriesTheSameBatchThenAppliesEverythingOnce() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW);
    metered.store.failing(Mode.FAIL_BEFORE);
    recorder.record(use("acme", "0.5"));
    recorder.recordRefusal(new RefusalEvent("acme", "key_1", "rate_limited", NOON));
    await().atMost(PATIENCE).until(() -> metered.store.attempts().size() >= 3);

    recorder.record(use("acme", "1.5"));
    await().atMost(PATIENCE).until(() -> metered.store.attempts().size() >= 5);
    assertThat(recorder.backlog()).isEqualTo(3);
    assertThat(metered.totals("acme").requests()).isZero();
    metered.store.working();

    await().atMost(PATIENCE).until(() -> recorder.backlog() == 0);
    List<Attempt> attempts = metered.store.attempts();
    UsageBatch first = attempts.getFirst().batch();
    List<Attempt> ofFirst = attempts.stream().filter(a -> a.batch().id().equals(first.id())).toList();
    assertThat(ofFirst).hasSizeGreaterThanOrEqualTo(5).allSatisfy(a -> assertThat(a.batch()).isEqualTo(first));
    assertThat(attempts.subList(0, ofFirst.size())).isEqualTo(ofFirst);
    assertThat(first.usage()).singleElement().satisfies(row -> assertThat(row.units()).isEqualTo(units("0.5")));
    assertThat(metered.store.idsReachingTheStore()).containsExactly("node-0:1", "node-0:2");
    assertThat(metered.totals("acme")).isEqualTo(new UsageTotals(units("2"), 2, Map.of("put", units("2")),
        Map.of("key_1", units("2")), Map.of("rate_limited", 1L)));
  }

  @Test
  void apply_commitSucceededButAcknowledgementLost_countsOnce() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW);
    metered.store.failing(Mode.FAIL_AFTER, 1);

    recorder.record(use("acme", "1.5"));
    await().atMost(PATIENCE).until(() -> recorder.backlog() == 0);

    List<Attempt> attempts = metered.store.attempts();
    assertThat(attempts).extracting(a -> a.batch().id()).containsExactly("node-0:1", "node-0:1");
    assertThat(attempts).extracting(Attempt::applied).containsExactly(Optional.of(true), Optional.of(false));
    assertThat(metered.totals("acme").units()).isEqualTo(units("1.5"));
    assertThat(metered.totals("acme").requests()).isEqualTo(1);
  }

  @Test
  void apply_afterAnOutageLongerThanTheSilentNodeWindow_appliesAndSaysItMayCountTwice() {
    FakeClock clock = new FakeClock(Metered.NOON);
    BatchingUsageRecorder recorder = BatchingUsageRecorder.start(metered.store, WINDOW, Durability.BATCH, "node-x",
        clock, FlushListener.NONE);
    metered.store.failing(Mode.FAIL_BEFORE);
    try (CapturedLogs logs = new CapturedLogs()) {
      recorder.record(use("acme", "1"));
      await().atMost(PATIENCE).until(() -> !metered.store.attempts().isEmpty());
      clock.advance(UsageStore.SILENT_NODE_WINDOW.plusHours(1));
      metered.store.working();
      await().atMost(PATIENCE).until(() -> recorder.backlog() == 0);
      recorder.close();

      assertThat(logs.texts()).anySatisfy(t -> assertThat(t).contains("usage batch node-x:1 applied after the store "
          + "failed for longer than PT168H").contains("counted twice"));
    }
    assertThat(metered.totals("acme").requests()).isEqualTo(1);
  }

  @Test
  void apply_shortOutage_saysNothingOfCountingTwice() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW);
    metered.store.failing(Mode.FAIL_BEFORE, 2);
    try (CapturedLogs logs = new CapturedLogs()) {
      recorder.record(use("acme", "1"));
      await().atMost(PATIENCE).until(() -> recorder.backlog() == 0);
      recorder.close();

      assertThat(logs.texts()).noneSatisfy(t -> assertThat(t).contains("counted twice"));
    }
  }

  @Test
  void apply_manyBatchesWithFailuresBetween_appliesThemInOrderEachOnce() throws Exception {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, Duration.ofMillis(2));
    int threads = 4;
    int perThread = 5_000;

    BatchingUsageRecorderTest.onThreads(threads, t -> {
      for (int i = 0; i < perThread; i++) {
        recorder.record(use("acme", "0.5"));
        if (i % 500 == 0) {
          metered.store.failing(t % 2 == 0 ? Mode.FAIL_BEFORE : Mode.FAIL_AFTER, 2);
        }
      }
    });
    recorder.close();

    List<String> applied = metered.store.attempts().stream()
        .filter(a -> a.applied().orElse(false)).map(a -> a.batch().id()).toList();
    List<Long> sequence = applied.stream().map(id -> Long.parseLong(id.substring("node-0:".length()))).toList();
    assertThat(sequence).isSorted().doesNotHaveDuplicates();
    assertThat(sequence.getLast()).isEqualTo(sequence.size());
    assertThat(metered.totals("acme").requests()).isEqualTo((long) threads * perThread);
    assertThat(metered.totals("acme").units()).isEqualTo(units("10000"));
  }

  @Test
  void close_storeDownThroughout_givesUpAfterTheTimeoutAndFailsStrictWaiters() {
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, WINDOW, Duration.ofMillis(300));
    metered.store.failing(Mode.FAIL_BEFORE);
    var waiting = recorder.record(use("acme", "1")).toCompletableFuture();
    await().atMost(PATIENCE).until(() -> !metered.store.attempts().isEmpty());

    long started = System.nanoTime();
    recorder.close();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PATIENCE);
    assertThat(waiting).isCompletedExceptionally();
    assertThat(recorder.backlog()).as("the usage, and its take-back since its stage failed").isEqualTo(2);
    assertThat(metered.totals("acme").requests()).isZero();
  }

  @Test
  void close_storeBackBeforeTheTimeout_flushesEverything() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW);
    metered.store.failing(Mode.FAIL_BEFORE, 5);
    recorder.record(use("acme", "3"));

    recorder.close();

    assertThat(metered.totals("acme").units()).isEqualTo(units("3"));
    assertThat(recorder.backlog()).isZero();
  }
}
