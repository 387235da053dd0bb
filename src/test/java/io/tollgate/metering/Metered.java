package io.tollgate.metering;

import io.tollgate.limits.Units;
import io.tollgate.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorder over a real SQLite store in a test's directory, seen through a {@link FlakyUsageStore}; closes what it
 * started, recorders first.
 */
final class Metered implements AutoCloseable {
  static final Instant NOON = Instant.parse("2026-03-10T12:00:00Z");
  static final LocalDate DAY = LocalDate.of(2026, 3, 10);

  final Database database;
  final FlakyUsageStore store;
  private final List<BatchingUsageRecorder> recorders = new ArrayList<>();

  Metered(Path dir) {
    database = Database.open("sqlite:" + dir.resolve("t.db"));
    store = new FlakyUsageStore(database.usage());
  }

  BatchingUsageRecorder start(Durability durability, Duration window) {
    return start(durability, window, BatchingUsageRecorder.CLOSE_TIMEOUT);
  }

  BatchingUsageRecorder start(Durability durability, Duration window, Duration closeTimeout) {
    return start(durability, window, closeTimeout, BatchingUsageRecorder.COMMIT_TIMEOUT);
  }

  BatchingUsageRecorder start(Durability durability, Duration window, Duration closeTimeout, Duration commitTimeout) {
    return start(durability, window, closeTimeout, commitTimeout, UsageSpill.none());
  }

  /** A recorder that spills to {@code spill}, as the gate's does. */
  BatchingUsageRecorder start(Durability durability, Duration window, UsageSpill spill) {
    return start(durability, window, BatchingUsageRecorder.CLOSE_TIMEOUT, BatchingUsageRecorder.COMMIT_TIMEOUT, spill);
  }

  /** A recorder that spills to {@code spill}, with its own bounds for {@link BatchingUsageRecorder#close} and commits. */
  BatchingUsageRecorder start(Durability durability, Duration window, Duration closeTimeout,
      Duration commitTimeout, UsageSpill spill) {
    BatchingUsageRecorder recorder = BatchingUsageRecorder.start(store, window, durability, "node-" + recorders.size(),
        InstantSource.system(), closeTimeout, commitTimeout, FlushListener.NONE, spill);
    recorders.add(recorder);
    return recorder;
  }

  static Units units(String decimal) {
    return Units.parse(new BigDecimal(decimal)).orElseThrow();
  }

  static UsageEvent use(String customer, String key, String operation, String units, Instant at) {
    return new UsageEvent(customer, key, operation, units(units), at);
  }

  static UsageEvent use(String customer, String units) {
    return use(customer, "key_1", "put", units, NOON);
  }

  /** The customer's sums on {@link #DAY}. */
  UsageTotals totals(String customer) {
    return store.totals(customer, DAY, DAY.plusDays(1));
  }

  @Override
  public void close() {
    try {
      recorders.forEach(BatchingUsageRecorder::close);
    } finally {
      database.close();
    }
  }
}
