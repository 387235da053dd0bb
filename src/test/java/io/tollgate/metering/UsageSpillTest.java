package io.tollgate.metering;

import static io.tollgate.metering.Metered.DAY;
import static io.tollgate.metering.Metered.NOON;
import static io.tollgate.metering.Metered.units;
import static io.tollgate.metering.Metered.use;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.files.PrivateFiles;
import io.tollgate.limits.Units;
import io.tollgate.metering.FlakyUsageStore.Mode;
import io.tollgate.metering.UsageBatch.RefusalRow;
import io.tollgate.metering.UsageBatch.UsageRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage spill file on a real file system, and a recorder over a real SQLite store that spills to it while the
 * store fails: batches written durably and read back in order, a torn last record ignored, the bound kept, the file
 * removed once replayed, and a replay by a later recorder (a restarted process) counting every batch once.
 */
final class UsageSpillTest {
  private static final Duration WINDOW = Duration.ofMillis(20);
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private Path spillDir;
  private Metered metered;

  @BeforeEach
  void open() {
    spillDir = dir.resolve("spill");
    metered = new Metered(dir);
  }

  @AfterEach
  void closeAll() {
    metered.close();
  }

  private static UsageBatch batch(String id, String customer, long milli) {
    return new UsageBatch(id,
        List.of(new UsageRow(customer, "key_1", "put", DAY, new Units(milli), 1)),
        List.of(new UsageRow(customer, "key_1", "put", DAY, new Units(500), 0)),
        List.of(new RefusalRow(customer, "", "rate_limited", DAY, 2)));
  }

  private Path file() {
    return spillDir.resolve(UsageSpill.FILE_NAME);
  }

  @Test
  void append_thenOpenAgain_replaysEveryBatchInOrder_andRemovesTheFile() throws IOException {
    try (UsageSpill spill = UsageSpill.open(spillDir, 1 << 20)) {
      assertThat(spill.append(batch("n:1", "acme", 1500), 2)).isTrue();
      assertThat(spill.append(batch("n:2", "beta", 250), 3)).isTrue();
      assertThat(spill.status().batches()).isEqualTo(2);
      assertThat(spill.status().bytes()).isEqualTo(Files.size(file()));
    }
    assertThat(Files.getPosixFilePermissions(file())).isEqualTo(PrivateFiles.FILE);
    assertThat(Files.getPosixFilePermissions(spillDir)).isEqualTo(PrivateFiles.DIRECTORY);

    List<UsageBatch> replayed = new ArrayList<>();
    List<Long> events = new ArrayList<>();
    try (UsageSpill again = UsageSpill.open(spillDir, 1 << 20)) {
      assertThat(again.status()).isEqualTo(new UsageSpill.Status(2, Files.size(file()), false));
      again.replay((b, n) -> {
        replayed.add(b);
        events.add(n);
      });
      assertThat(again.status()).isEqualTo(new UsageSpill.Status(0, 0, false));
    }
    assertThat(replayed).containsExactly(batch("n:1", "acme", 1500), batch("n:2", "beta", 250));
    assertThat(events).containsExactly(2L, 3L);
    assertThat(file()).doesNotExist();
  }

  @Test
  void open_afterACrashCutTheLastRecordShort_ignoresIt_andAppendsAfterTheLastGoodOne() throws IOException {
    try (UsageSpill spill = UsageSpill.open(spillDir, 1 << 20)) {
      spill.append(batch("n:1", "acme", 1000), 1);
    }
    long good = Files.size(file());
    byte[] whole = UsageSpill.encode(batch("n:2", "acme", 2000), 1);
    Files.write(file(), Arrays.copyOf(whole, whole.length / 2), StandardOpenOption.APPEND);
    List<String> ids = new ArrayList<>();
    try (UsageSpill spill = UsageSpill.open(spillDir, 1 << 20)) {
      assertThat(spill.status().batches()).isEqualTo(1);
      assertThat(Files.size(file())).isEqualTo(good);
      spill.append(batch("n:3", "acme", 3000), 1);
    }
    try (UsageSpill spill = UsageSpill.open(spillDir, 1 << 20)) {
      spill.replay((b, n) -> ids.add(b.id()));
    }
    assertThat(ids).containsExactly("n:1", "n:3");
  }

  @Test
  void open_aCompleteLastLineWithAWrongChecksum_isIgnoredToo() throws IOException {
    try (UsageSpill spill = UsageSpill.open(spillDir, 1 << 20)) {
      spill.append(batch("n:1", "acme", 1000), 1);
    }
    String flipped = new String(UsageSpill.encode(batch("n:2", "acme", 2000), 1), StandardCharsets.UTF_8)
        .replace("2000", "9000");
    Files.writeString(file(), flipped, StandardOpenOption.APPEND);
    List<String> ids = new ArrayList<>();
    try (UsageSpill spill = UsageSpill.open(spillDir, 1 << 20)) {
      spill.replay((b, n) -> ids.add(b.id()));
    }
    assertThat(ids).containsExactly("n:1");
  }

  @Test
  void append_pastTheBound_isRefusedAndSaysFull_untilTheFileIsReplayed() {
    int one = UsageSpill.encode(batch("n:1", "acme", 1000), 1).length;
    try (UsageSpill spill = UsageSpill.open(spillDir, one * 2L + one / 2)) {
      assertThat(spill.append(batch("n:1", "acme", 1000), 1)).isTrue();
      assertThat(spill.append(batch("n:2", "acme", 1000), 1)).isTrue();
      assertThat(spill.append(batch("n:3", "acme", 1000), 1)).isFalse();
      assertThat(spill.status().full()).isTrue();
      spill.replay((b, n) -> {});
      assertThat(spill.append(batch("n:3", "acme", 1000), 1)).isTrue();
      assertThat(spill.status()).isEqualTo(new UsageSpill.Status(1, one, false));
    }
  }

  @Test
  void twoProcessesOnOneSpillDirectory_neitherOverwritesTheOthersBatches_andEveryBatchIsReplayedOnce() {
    try (UsageSpill first = UsageSpill.open(spillDir, 1 << 20);
        UsageSpill second = UsageSpill.open(spillDir, 1 << 20)) {
      assertThat(first.append(batch("a:1", "acme", 1000), 1)).isTrue();
      assertThat(second.append(batch("b:1", "acme", 1000), 1)).isTrue();
      assertThat(first.append(batch("a:2", "acme", 1000), 1)).isTrue();
      assertThat(second.append(batch("b:2", "acme", 1000), 1)).isTrue();
      assertThat(first.status().batches() + second.status().batches()).isEqualTo(4);
    }
    // both processes die with the store down; two start again on the same data directory
    List<String> ids = new ArrayList<>();
    try (UsageSpill first = UsageSpill.open(spillDir, 1 << 20);
        UsageSpill second = UsageSpill.open(spillDir, 1 << 20)) {
      first.replay((b, n) -> ids.add(b.id()));
      second.replay((b, n) -> ids.add(b.id()));
    }
    assertThat(ids).containsExactlyInAnyOrder("a:1", "a:2", "b:1", "b:2");
  }

  @Test
  void replay_storeFailsHalfWay_keepsTheRestForTheNextCall() {
    try (UsageSpill spill = UsageSpill.open(spillDir, 1 << 20)) {
      spill.append(batch("n:1", "acme", 1000), 1);
      spill.append(batch("n:2", "acme", 1000), 1);
      List<String> ids = new ArrayList<>();
      try {
        spill.replay((b, n) -> {
          if (b.id().equals("n:2")) {
            throw new IllegalStateException("store down");
          }
          ids.add(b.id());
        });
      } catch (IllegalStateException expected) {
        // the rest stays
      }
      assertThat(spill.status().batches()).isEqualTo(1);
      spill.replay((b, n) -> ids.add(b.id()));
      assertThat(ids).containsExactly("n:1", "n:2");
      assertThat(file()).doesNotExist();
    }
  }

  @Test
  void replay_cutShortByACrash_theNextOpenGoesOnAfterTheBatchesTheStoreTook() {
    try (UsageSpill spill = UsageSpill.open(spillDir, 1 << 20)) {
      spill.append(batch("n:1", "acme", 1000), 1);
      spill.append(batch("n:2", "acme", 1000), 1);
      spill.append(batch("n:3", "acme", 1000), 1);
      try {
        spill.replay((b, n) -> {
          if (b.id().equals("n:3")) {
            throw new IllegalStateException("the process dies here");
          }
        });
      } catch (IllegalStateException expected) {
        // n:1 and n:2 were taken
      }
    }
    List<String> ids = new ArrayList<>();
    try (UsageSpill again = UsageSpill.open(spillDir, 1 << 20)) {
      assertThat(again.status().batches()).isEqualTo(1);
      again.replay((b, n) -> ids.add(b.id()));
    }
    assertThat(ids).containsExactly("n:3");
    assertThat(file()).doesNotExist();
  }

  @Test
  void recorder_storeDown_spillsWhatItCounted_andARecorderStartedLaterBillsItOnceWhenTheStoreIsBack() {
    metered.store.failing(Mode.FAIL_BEFORE);
    UsageSpill spill = UsageSpill.open(spillDir, 1 << 20);
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW, spill);
    recorder.record(use("acme", "0.5"));
    recorder.recordRefusal(new RefusalEvent("acme", "key_1", "rate_limited", NOON));
    await().atMost(PATIENCE).until(() -> spill.status().batches() >= 1 && recorder.backlog() == 0);
    recorder.record(use("acme", "1.5"));
    await().atMost(PATIENCE).until(() -> spill.status().batches() >= 2 && recorder.backlog() == 0);
    assertThat(file()).exists();
    assertThat(metered.totals("acme").requests()).isZero();
    // the process dies: nothing is flushed at close while the store is down, the spill file holds it all
    recorder.close();
    spill.close();

    // a commit whose acknowledgement is lost during the replay is not counted twice
    metered.store.failing(Mode.FAIL_AFTER, 1);
    UsageSpill reopened = UsageSpill.open(spillDir, 1 << 20);
    assertThat(reopened.status().batches()).isGreaterThanOrEqualTo(2);
    metered.start(Durability.BATCH, WINDOW, reopened);
    await().atMost(PATIENCE).until(() -> !Files.exists(file()));
    assertThat(reopened.status()).isEqualTo(new UsageSpill.Status(0, 0, false));
    assertThat(metered.totals("acme")).isEqualTo(new UsageTotals(units("2"), 2, Map.of("put", units("2")),
        Map.of("key_1", units("2")), Map.of("rate_limited", 1L)));
  }

  @Test
  void recorder_strictAfterABatchRunLeftASpillFile_replaysIt_butNeverSpillsUsage() {
    try (UsageSpill spill = UsageSpill.open(spillDir, 1 << 20)) {
      spill.append(batch("old-node:1", "acme", 1500), 3);
    }
    UsageSpill reopened = UsageSpill.open(spillDir, 1 << 20);
    BatchingUsageRecorder recorder = metered.start(Durability.STRICT, WINDOW, reopened);
    await().atMost(PATIENCE).until(() -> !Files.exists(file()));
    assertThat(metered.totals("acme").units()).isEqualTo(units("1"));

    metered.store.failing(Mode.FAIL_BEFORE);
    recorder.record(use("acme", "1"));
    await().atMost(PATIENCE).until(() -> metered.store.attempts().size() >= 3);
    assertThat(file()).as("strict usage waits for the store itself").doesNotExist();
    assertThat(recorder.backlog()).isEqualTo(1);
    metered.store.working();
    await().atMost(PATIENCE).until(() -> recorder.backlog() == 0);
    assertThat(metered.totals("acme").units()).isEqualTo(units("2"));
  }

  /** A strict recorder whose store failed the batch of one usage event, and the stage that event waits on. */
  private record StrictOutage(BatchingUsageRecorder recorder, CompletableFuture<Void> billed) {}

  /**
   * Starts a strict recorder over a failing store that spills to {@code spill}, records one usage event (its batch
   * fails), then {@code refusals} refusals, and waits until they are spilled.
   */
  private StrictOutage strictOutage(UsageSpill spill, int refusals) {
    metered.store.failing(Mode.FAIL_BEFORE);
    BatchingUsageRecorder recorder =
        metered.start(Durability.STRICT, WINDOW, Duration.ofMillis(200), Duration.ofSeconds(30), spill);
    CompletableFuture<Void> billed = recorder.record(use("acme", "1")).toCompletableFuture();
    await().atMost(PATIENCE).until(recorder::storeFailing);
    for (int i = 0; i < refusals; i++) {
      recorder.recordRefusal(new RefusalEvent("acme", "key_1", "store_unavailable", NOON));
    }
    await().atMost(PATIENCE).until(() -> spill.status().batches() == 1);
    return new StrictOutage(recorder, billed);
  }

  /**
   * Strict mode's refusals counted while the store fails (its up-front {@code 503 store_unavailable} among them) do
   * not wait in memory: nothing waits on them, so they go to the spill, and a recorder started later counts them
   * once. The usage stays for the store itself (a strict answer waits for the store, never for the file).
   */
  @Test
  void recorder_strictStoreDown_spillsTheRefusalsCountedMeanwhile_andARecorderStartedLaterCountsThemOnce() {
    UsageSpill spill = UsageSpill.open(spillDir, 1 << 20);
    StrictOutage outage = strictOutage(spill, 3);
    BatchingUsageRecorder recorder = outage.recorder();
    await().atMost(PATIENCE).until(() -> recorder.backlog() == 1);
    assertThat(spill.status().batches()).as("the usage is not spilled").isEqualTo(1);
    assertThat(metered.totals("acme").refusals()).isEmpty();
    // the process dies with the store still down: the spill file holds the refusals
    recorder.close();
    spill.close();

    metered.store.working();
    UsageSpill reopened = UsageSpill.open(spillDir, 1 << 20);
    assertThat(reopened.status().batches()).isEqualTo(1);
    metered.start(Durability.STRICT, WINDOW, reopened);
    await().atMost(PATIENCE).until(() -> !Files.exists(file()));
    assertThat(metered.totals("acme")).isEqualTo(new UsageTotals(Units.ZERO, 0, Map.of(), Map.of(),
        Map.of("store_unavailable", 3L)));
  }

  /**
   * Strict mode, the store back: the batch that failed reaches the store before the refusals spilled behind it (an
   * unacknowledged commit of it must still be known by its id), then they follow, each once.
   */
  @Test
  void recorder_strictStoreBack_appliesTheFailedBatchFirst_thenTheRefusalsSpilledBehindIt() {
    UsageSpill spill = UsageSpill.open(spillDir, 1 << 20);
    CompletableFuture<Void> billed = strictOutage(spill, 1).billed();
    // the replayer holds the spilled batch back while the failed one is retried: nothing but that one is tried
    await().during(WINDOW.multipliedBy(5)).atMost(PATIENCE).until(() -> metered.store.attempts().stream()
        .allMatch(a -> a.batch().id().equals("node-0:1")));

    metered.store.working();
    await().atMost(PATIENCE).until(() -> billed.isDone() && !Files.exists(file()));
    assertThat(billed).isCompleted();
    assertThat(metered.store.idsReachingTheStore()).startsWith("node-0:1", "node-0:2");
    assertThat(metered.totals("acme")).isEqualTo(new UsageTotals(units("1"), 1, Map.of("put", units("1")),
        Map.of("key_1", units("1")), Map.of("store_unavailable", 1L)));
  }

  @Test
  void recorder_spillFull_keepsTheBatchInMemory_andAppliesItOnceTheStoreIsBack() {
    metered.store.failing(Mode.FAIL_BEFORE);
    UsageSpill spill = UsageSpill.open(spillDir, 1);
    BatchingUsageRecorder recorder = metered.start(Durability.BATCH, WINDOW, spill);
    recorder.record(use("acme", "1"));
    await().atMost(PATIENCE).until(() -> spill.status().full());
    assertThat(recorder.backlog()).isEqualTo(1);
    assertThat(file()).doesNotExist();
    metered.store.working();
    await().atMost(PATIENCE).until(() -> recorder.backlog() == 0);
    assertThat(metered.totals("acme").units()).isEqualTo(units("1"));
    assertThat(spill.status().full()).as("no longer full once the batch in memory reached the store").isFalse();
  }
}
