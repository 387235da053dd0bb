package io.tollgate.metering;

import static io.tollgate.metering.Metered.DAY;
import static io.tollgate.metering.Metered.NOON;
import static io.tollgate.metering.Metered.units;
import static io.tollgate.metering.Metered.use;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tollgate.limits.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class BatchingUsageRecorderTest {
  private static final Logger LOG = LoggerFactory.getLogger(BatchingUsageRecorderTest.class);
  private static final Duration WINDOW = Duration.ofMillis(100);
  private static final Duration LONG_WINDOW = Duration.ofSeconds(60);

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
  void record_eightThreadsFractionalUnits_storeHoldsExactlyTheSums() throws Exception {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, Duration.ofMillis(20));
    int threads = 8;
    int perThread = 10_000;

    long started = System.nanoTime();
    onThreads(threads, t -> {
      for (int i = 0; i < perThread; i++) {
        String key = i % 2 == 0 ? "key_a" : "key_b";
        recorder.record(use("acme", key, i % 4 < 2 ? "get" : "search", i % 4 < 2 ? "0.5" : "1.5", NOON));
        if (i % 10 == 0) {
          recorder.recordRefusal(new RefusalEvent("acme", key, i % 20 == 0 ? "rate_limited" : "quota_exceeded", NOON));
        }
      }
    });
    LOG.info("record() from {} threads: {} events and refusals in {} ms", threads, threads * perThread * 11 / 10,
        (System.nanoTime() - started) / 1_000_000);
    recorder.close();

    // per thread: 5,000 get at 0.5 and 5,000 search at 1.5; keys alternate, so each key gets half of each
    long events = (long) threads * perThread;
    assertThat(metered.totals("acme")).isEqualTo(new UsageTotals(Units.of(events), events,
        Map.of("get", units("20000"), "search", units("60000")),
        Map.of("key_a", units("40000"), "key_b", units("40000")),
        Map.of("rate_limited", 4_000L, "quota_exceeded", 4_000L)));
    assertThat(recorder.backlog()).isZero();
  }

  @Test
  void record_batchMode_usageLandsWithinAboutOneWindow() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW);

    CompletionStage<Void> stage = recorder.record(use("acme", "0.5"));
    recorder.recordRefusal(new RefusalEvent("acme", "", "namespace_denied", NOON));

    assertThat(stage.toCompletableFuture()).isCompleted();
    await().atMost(WINDOW.multipliedBy(10)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
      assertThat(metered.totals("acme").units()).isEqualTo(units("0.5"));
      assertThat(metered.totals("acme").refusals()).isEqualTo(Map.of("namespace_denied", 1L));
    });
    await().atMost(WINDOW.multipliedBy(10)).until(() -> recorder.backlog() == 0);
  }

  @Test
  void backlog_beforeTheFirstFlush_countsUsageAndRefusals() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, LONG_WINDOW);

    recorder.record(use("acme", "1"));
    recorder.record(use("acme", "1"));
    recorder.recordRefusal(new RefusalEvent("acme", "key_1", "rate_limited", NOON));

    assertThat(recorder.backlog()).isEqualTo(3);
  }

  @Test
  void close_withPendingEvents_flushesThemBeforeReturning() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, LONG_WINDOW);
    recorder.record(use("acme", "2.5"));
    recorder.recordRefusal(new RefusalEvent("acme", "key_1", "rate_limited", NOON));

    recorder.close();

    assertThat(metered.totals("acme").units()).isEqualTo(units("2.5"));
    assertThat(metered.totals("acme").refusals()).isEqualTo(Map.of("rate_limited", 1L));
    assertThat(recorder.backlog()).isZero();
  }

  @Test
  void record_afterClose_failsAndIsNotCounted() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW);
    recorder.record(use("acme", "1"));
    recorder.close();

    CompletionStage<Void> late = recorder.record(use("acme", "5"));
    recorder.recordRefusal(new RefusalEvent("acme", "key_1", "rate_limited", NOON));
    recorder.close();

    assertThatThrownBy(() -> late.toCompletableFuture().get()).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(metered.totals("acme")).isEqualTo(new UsageTotals(units("1"), 1, Map.of("put", units("1")),
        Map.of("key_1", units("1")), Map.of()));
    assertThat(recorder.backlog()).isZero();
  }

  @Test
  void record_justBeforeAndAtMidnightUtc_countsTwoDays() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW);
    Instant lastMilli = Instant.parse("2026-03-10T23:59:59.999Z");
    Instant midnight = Instant.parse("2026-03-11T00:00:00Z");

    recorder.record(use("acme", "key_1", "put", "1", lastMilli));
    recorder.record(use("acme", "key_1", "put", "2", midnight));
    recorder.recordRefusal(new RefusalEvent("acme", "key_1", "rate_limited", lastMilli));
    recorder.recordRefusal(new RefusalEvent("acme", "key_1", "rate_limited", midnight));
    recorder.close();

    assertThat(metered.store.daily("acme", DAY, DAY.plusDays(2))).containsExactly(
        new DailyUsage(DAY, units("1"), 1, Map.of("put", units("1"))),
        new DailyUsage(DAY.plusDays(1), units("2"), 1, Map.of("put", units("2"))));
    assertThat(metered.store.totals("acme", DAY.plusDays(1), DAY.plusDays(2)).refusals())
        .isEqualTo(Map.of("rate_limited", 1L));
    assertThat(metered.totals("acme").refusals()).isEqualTo(Map.of("rate_limited", 1L));
  }

  @Test
  void record_eventWithoutKey_throwsAtOnceAndCountsNothing() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW);

    assertThatThrownBy(() -> recorder.record(new UsageEvent("acme", null, "put", Units.ZERO, NOON)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("keyId");
    assertThat(recorder.backlog()).isZero();
  }

  @Test
  void record_oneThreadTightLoop_countsEveryEvent() {
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW);
    int events = 2_000_000;
    UsageEvent[] shapes = {use("acme", "key_1", "put", "1", NOON), use("acme", "key_2", "get", "0.5", NOON)};

    long started = System.nanoTime();
    for (int i = 0; i < events; i++) {
      recorder.record(shapes[i & 1]);
    }
    long nanos = System.nanoTime() - started;
    LOG.info("record() from one thread: {} events in {} ms, {} ns per event", events, nanos / 1_000_000,
        nanos / events);
    recorder.close();

    assertThat(metered.totals("acme").units()).isEqualTo(units("1500000"));
    assertThat(metered.totals("acme").requests()).isEqualTo(events);
  }

  /** Runs {@code task(thread index)} on {@code threads} threads released together, and waits for them all. */
  static void onThreads(int threads, ThreadTask task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int index = t;
        running.add(pool.submit(() -> {
          start.await();
          task.run(index);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Work for one of several threads. */
  interface ThreadTask {
    void run(int thread) throws Exception;
  }
}
