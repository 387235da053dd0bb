package io.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limits.FakeClock;
import io.tollgate.limits.Units;
import io.tollgate.metering.DailyUsage;
import io.tollgate.metering.UsageBatch;
import io.tollgate.metering.UsageBatch.RefusalRow;
import io.tollgate.metering.UsageBatch.UsageRow;
import io.tollgate.metering.UsageStore;
import io.tollgate.metering.UsageTotals;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every behaviour of {@link UsageStore}; a subclass per dialect only supplies the storage (bucket4j's TCK). */
abstract class UsageStoreContract extends StoreContractBase {
  private static final LocalDate JAN_1 = LocalDate.of(2026, 1, 1);
  private static final LocalDate FEB_1 = LocalDate.of(2026, 2, 1);

  /** The store's clock: when a batch counts as applied. */
  final FakeClock clock = new FakeClock(StoreFixtures.T0);
  private UsageStore store;

  /** A JDBC URL of this test's storage, to look at the table of applied batch ids directly. */
  abstract String jdbcUrl();

  @BeforeEach
  final void openStore() {
    store = open().usage();
  }

  private static Units units(String decimal) {
    return Units.parse(new BigDecimal(decimal)).orElseThrow();
  }

  private static UsageRow use(String customer, String key, String op, LocalDate day, String units, long requests) {
    return new UsageRow(customer, key, op, day, units(units), requests);
  }

  private static UsageBatch batch(String id, List<UsageRow> usage, List<RefusalRow> refusals) {
    return new UsageBatch(id, usage, refusals);
  }

  @Test
  void apply_newBatch_returnsTrueAndAddsEveryRow() {
    boolean applied = store.apply(batch("node-a:1",
        List.of(use("acme", "key_1", "put", JAN_1, "1", 1), use("acme", "key_2", "get", JAN_1.plusDays(3), "0.5", 1)),
        List.of(new RefusalRow("acme", "key_1", "rate_limited", JAN_1, 4))));

    assertThat(applied).isTrue();
    assertThat(store.totals("acme", JAN_1, FEB_1)).isEqualTo(new UsageTotals(units("1.5"), 2,
        Map.of("put", units("1"), "get", units("0.5")), Map.of("key_1", units("1"), "key_2", units("0.5")),
        Map.of("rate_limited", 4L)));
  }

  @Test
  void apply_takenBackUsage_unbillsIt_inTotalsDailyExportAndQuotaSeeds_onceEvenWhenReplayed() {
    store.apply(batch("node-a:30", List.of(use("acme", "key_1", "put", JAN_1, "2.5", 3),
        use("acme", "key_1", "get", JAN_1, "0.5", 1)), List.of()));
    UsageBatch takeBack = new UsageBatch("node-a:31", List.of(use("acme", "key_1", "get", JAN_1, "0.25", 1)),
        List.of(use("acme", "key_1", "put", JAN_1, "1", 1), use("acme", "key_1", "get", JAN_1, "0.5", 1)),
        List.of());

    assertThat(store.apply(takeBack)).isTrue();
    assertThat(store.apply(takeBack)).as("replayed: applied once").isFalse();

    UsageTotals totals = store.totals("acme", JAN_1, FEB_1);
    assertThat(totals.units()).isEqualTo(units("1.75"));
    assertThat(totals.requests()).isEqualTo(3);
    assertThat(totals.byOperation()).isEqualTo(Map.of("put", units("1.5"), "get", units("0.25")));
    assertThat(store.daily("acme", JAN_1, FEB_1)).extracting(DailyUsage::units, DailyUsage::requests)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(units("1.75"), 3L));
    assertThat(store.exportRows(JAN_1, FEB_1)).containsExactly(
        new UsageStore.ExportRow("acme", "get", units("0.25"), 1),
        new UsageStore.ExportRow("acme", "put", units("1.5"), 2));
    assertThat(store.unitsByCustomer(JAN_1, FEB_1)).isEqualTo(Map.of("acme", units("1.75")));
  }

  @Test
  void apply_usageTakenBackInTheSameBatch_leavesNoRow() {
    assertThat(store.apply(new UsageBatch("node-a:40", List.of(use("initech", "key_9", "put", JAN_1, "1", 1)),
        List.of(use("initech", "key_9", "put", JAN_1, "1", 1)), List.of()))).isTrue();

    assertThat(store.totalsByCustomer(JAN_1, FEB_1)).doesNotContainKey("initech");
    assertThat(store.exportRows(JAN_1, FEB_1)).isEmpty();
  }

  @Test
  void unitsByCustomer_sumsOnlyTheRange_perCustomer() {
    store.apply(batch("node-a:100", List.of(use("acme", "key_1", "put", JAN_1, "1.5", 1),
        use("acme", "key_2", "get", JAN_1.plusDays(30), "0.25", 1), use("acme", "key_1", "put", FEB_1, "7", 1),
        use("globex", "key_3", "put", JAN_1.plusDays(2), "2", 2)), List.of()));

    assertThat(store.unitsByCustomer(JAN_1, FEB_1))
        .isEqualTo(Map.of("acme", units("1.75"), "globex", units("2")));
    assertThat(store.unitsByCustomer(FEB_1, FEB_1.plusMonths(1))).isEqualTo(Map.of("acme", units("7")));
  }

  @Test
  void exportRows_oneRowPerCustomerAndOperation_inOrder() {
    store.apply(batch("node-a:200", List.of(use("globex", "key_3", "put", JAN_1, "2", 2),
        use("acme", "key_1", "put", JAN_1, "1.5", 1), use("acme", "key_2", "put", JAN_1.plusDays(1), "1", 1),
        use("acme", "key_1", "get", JAN_1, "0.5", 1), use("acme", "key_1", "get", FEB_1, "9", 9)), List.of()));

    assertThat(store.exportRows(JAN_1, FEB_1)).containsExactly(
        new UsageStore.ExportRow("acme", "get", units("0.5"), 1),
        new UsageStore.ExportRow("acme", "put", units("2.5"), 2),
        new UsageStore.ExportRow("globex", "put", units("2"), 2));
  }

  @Test
  void billing_givesTheExportRowsAndTotalsOfTheSameDays() {
    store.apply(batch("node-a:210", List.of(use("globex", "key_3", "put", JAN_1, "2", 2),
        use("acme", "key_1", "put", JAN_1, "1.5", 1), use("acme", "key_1", "get", FEB_1, "9", 9)),
        List.of(new RefusalRow("acme", "key_1", "engine_unavailable", JAN_1, 1))));

    UsageStore.Billing billing = store.billing(JAN_1, FEB_1);
    assertThat(billing.rows()).isEqualTo(store.exportRows(JAN_1, FEB_1));
    assertThat(billing.totals()).isEqualTo(store.totalsByCustomer(JAN_1, FEB_1));
  }

  /**
   * The billing export's rows and its totals (the SLA figures) come from one snapshot: read while batches commit
   * beside it, the requests of the rows always equal those of the totals.
   */
  @Test
  void billing_readWhileBatchesCommit_rowsAndTotalsNeverStraddleABatch() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread writer = Thread.ofPlatform().start(() -> {
      for (int i = 0; i < 150; i++) {
        store.apply(batch("node-w:" + i, List.of(use("acme", "key_1", "get", JAN_1, "1", 1)), List.of()));
      }
      writing.set(false);
    });
    int reads = 0;
    while (writing.get() || reads == 0) {
      UsageStore.Billing billing = store.billing(JAN_1, FEB_1);
      long rowRequests = billing.rows().stream().mapToLong(UsageStore.ExportRow::requests).sum();
      long totalRequests = billing.totals().values().stream().mapToLong(UsageTotals::requests).sum();
      assertThat(rowRequests).as("read %d", reads).isEqualTo(totalRequests);
      reads++;
    }
    writer.join(60_000);
    assertThat(store.billing(JAN_1, FEB_1).totals().get("acme").requests()).isEqualTo(150);
  }

  @Test
  void apply_sameBatchIdTwice_appliesOnceAndSecondChangesNothing() {
    UsageBatch first = batch("node-a:7", List.of(use("acme", "key_1", "put", JAN_1, "2", 2)),
        List.of(new RefusalRow("acme", "", "quota_exceeded", JAN_1, 1)));
    UsageBatch retried = batch("node-a:7", List.of(use("acme", "key_1", "put", JAN_1, "5", 5)), List.of());

    assertThat(store.apply(first)).isTrue();
    assertThat(store.apply(first)).isFalse();
    assertThat(store.apply(retried)).isFalse();

    UsageTotals totals = store.totals("acme", JAN_1, FEB_1);
    assertThat(totals.units()).isEqualTo(units("2"));
    assertThat(totals.requests()).isEqualTo(2);
    assertThat(totals.refusals()).isEqualTo(Map.of("quota_exceeded", 1L));
  }

  @Test
  void apply_sameBatchIdConcurrently_appliesExactlyOnce() throws Exception {
    UsageBatch batch = batch("node-a:9", List.of(use("acme", "key_1", "get", JAN_1, "0.5", 1)), List.of());
    AtomicInteger appliedCount = new AtomicInteger();
    Concurrently.run(6, () -> store.apply(batch) && appliedCount.incrementAndGet() > 0);
    assertThat(appliedCount).hasValue(1);
    assertThat(store.totals("acme", JAN_1, FEB_1).units()).isEqualTo(units("0.5"));
  }

  @Test
  void apply_emptyBatch_isRecordedOnce() {
    assertThat(store.apply(batch("empty", List.of(), List.of()))).isTrue();
    assertThat(store.apply(batch("empty", List.of(), List.of()))).isFalse();
    assertThat(store.totalsByCustomer(JAN_1, FEB_1)).isEmpty();
  }

  @Test
  void apply_fractionalUnitsAcrossBatchesAndRepeatedRows_sumExactly() {
    store.apply(batch("b1", List.of(use("acme", "key_1", "get", JAN_1, "0.001", 1),
        use("acme", "key_1", "get", JAN_1, "0.125", 1)), List.of()));
    for (int i = 0; i < 10; i++) {
      store.apply(batch("b-" + i, List.of(use("acme", "key_1", "get", JAN_1, "0.1", 1)), List.of()));
    }
    store.apply(batch("b2", List.of(use("acme", "key_1", "query_topk", JAN_1, "12450.5", 3)), List.of()));

    UsageTotals totals = store.totals("acme", JAN_1, FEB_1);
    assertThat(totals.units()).isEqualTo(units("12451.626"));
    assertThat(totals.requests()).isEqualTo(15);
    assertThat(totals.byOperation()).isEqualTo(Map.of("get", units("1.126"), "query_topk", units("12450.5")));
    assertThat(totals.byKey()).isEqualTo(Map.of("key_1", units("12451.626")));
  }

  @Test
  void totals_daysRange_includesFromAndExcludesTo() {
    store.apply(batch("b1", List.of(use("acme", "k", "put", JAN_1.minusDays(1), "1", 1),
        use("acme", "k", "put", JAN_1, "2", 1), use("acme", "k", "put", FEB_1.minusDays(1), "4", 1),
        use("acme", "k", "put", FEB_1, "8", 1)), List.of(new RefusalRow("acme", "k", "rate_limited", FEB_1, 1))));
    UsageTotals january = store.totals("acme", JAN_1, FEB_1);
    assertThat(january.units()).isEqualTo(units("6"));
    assertThat(january.refusals()).isEmpty();
    assertThat(store.totals("acme", FEB_1, FEB_1)).isEqualTo(UsageTotals.EMPTY);
  }

  @Test
  void totals_unknownCustomer_isAllZero() {
    store.apply(batch("b1", List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of()));
    assertThat(store.totals("nobody", JAN_1, FEB_1)).isEqualTo(UsageTotals.EMPTY);
  }

  @Test
  void totalsByCustomer_usageAndRefusalOnlyCustomers_areAllListed() {
    store.apply(batch("b1",
        List.of(use("acme", "k1", "put", JAN_1, "1.5", 1), use("beta", "k2", "get", JAN_1.plusDays(9), "0.25", 1)),
        List.of(new RefusalRow("gamma", "", "rate_limited", JAN_1, 3),
            new RefusalRow("acme", "k1", "namespace_denied", JAN_1, 1),
            new RefusalRow("acme", "k1", "namespace_denied", JAN_1.plusDays(1), 2))));

    Map<String, UsageTotals> all = store.totalsByCustomer(JAN_1, FEB_1);

    assertThat(all).containsOnlyKeys("acme", "beta", "gamma");
    assertThat(all.get("acme")).isEqualTo(new UsageTotals(units("1.5"), 1, Map.of("put", units("1.5")),
        Map.of("k1", units("1.5")), Map.of("namespace_denied", 3L)));
    assertThat(all.get("beta").units()).isEqualTo(units("0.25"));
    assertThat(all.get("gamma")).isEqualTo(new UsageTotals(Units.ZERO, 0, Map.of(), Map.of(),
        Map.of("rate_limited", 3L)));
    assertThat(all.get("acme")).isEqualTo(store.totals("acme", JAN_1, FEB_1));
  }

  @Test
  void daily_severalDays_oneRowPerDayInDayOrder() {
    LocalDate jan3 = JAN_1.plusDays(2);
    store.apply(batch("b1", List.of(use("acme", "k1", "put", jan3, "1", 1), use("acme", "k2", "put", jan3, "2", 2),
        use("acme", "k1", "get", jan3, "0.5", 1), use("acme", "k1", "get", JAN_1, "0.5", 1),
        use("other", "k9", "get", JAN_1, "7", 7), use("acme", "k1", "get", FEB_1, "9", 9)),
        List.of(new RefusalRow("acme", "k1", "rate_limited", JAN_1.plusDays(1), 5))));

    assertThat(store.daily("acme", JAN_1, FEB_1)).containsExactly(
        new DailyUsage(JAN_1, units("0.5"), 1, Map.of("get", units("0.5"))),
        new DailyUsage(jan3, units("3.5"), 4, Map.of("put", units("3"), "get", units("0.5"))));
    assertThat(store.daily("nobody", JAN_1, FEB_1)).isEmpty();
  }

  @Test
  void daily_countsSlaFailuresByDay_alsoOnADayWithoutUsage_notTheCustomersRefusals() {
    LocalDate jan2 = JAN_1.plusDays(1);
    store.apply(batch("b1", List.of(use("acme", "k1", "put", JAN_1, "1", 3)),
        List.of(new RefusalRow("acme", "k1", "engine_error", JAN_1, 2),
            new RefusalRow("acme", "k2", "engine_timeout", JAN_1, 1),
            new RefusalRow("acme", "k1", "rate_limited", JAN_1, 9),
            new RefusalRow("acme", "k1", "engine_unavailable", jan2, 4),
            new RefusalRow("acme", "k1", "namespace_denied", JAN_1.plusDays(2), 5))));

    assertThat(store.daily("acme", JAN_1, FEB_1)).containsExactly(
        new DailyUsage(JAN_1, units("1"), 3, Map.of("put", units("1")), 3),
        new DailyUsage(jan2, Units.ZERO, 0, Map.of(), 4));
  }

  @Test
  void reopen_sameStorage_keepsUsageAndAppliedBatches() {
    UsageBatch batch = batch("b1", List.of(use("acme", "k", "put", JAN_1, "1.25", 1)),
        List.of(new RefusalRow("acme", "k", "rate_limited", JAN_1, 1)));
    store.apply(batch);
    UsageTotals before = store.totals("acme", JAN_1, FEB_1);

    UsageStore reopened = open().usage();

    assertThat(reopened.totals("acme", JAN_1, FEB_1)).isEqualTo(before);
    assertThat(reopened.apply(batch)).isFalse();
  }

  @Test
  void apply_replayWithinTheReplayWindow_afterLaterBatches_appliesOnce() {
    UsageBatch first = batch("node-a:1", List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of());
    store.apply(first);
    for (int i = 2; i <= 5; i++) {
      clock.advance(Duration.ofMinutes(10));
      store.apply(batch("node-a:" + i, List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of()));
    }
    clock.advance(UsageStore.REPLAY_WINDOW.minus(Duration.ofMinutes(40)).minusMillis(1));
    store.apply(batch("node-a:6", List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of()));

    assertThat(store.apply(first)).isFalse();
    assertThat(store.totals("acme", JAN_1, FEB_1).requests()).isEqualTo(6);
  }

  @Test
  void apply_nodesOwnIdsOlderThanTheReplayWindow_areForgotten() {
    for (int i = 1; i <= 100; i++) {
      store.apply(batch("node-a:" + i, List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of()));
      clock.advance(Duration.ofMinutes(1));
    }

    // the last apply, at minute 99, forgets what was applied before minute 39: the ids of minutes 39 to 99 are left
    assertThat(appliedBatchIds()).hasSize(61).contains("node-a:40", "node-a:100").doesNotContain("node-a:39");
    assertThat(store.totals("acme", JAN_1, FEB_1).requests()).isEqualTo(100);
  }

  @Test
  void apply_pendingBatchRetriedAfterALongOutage_whileOtherNodesWrite_appliesOnce() {
    UsageBatch pending = batch("node-a:1", List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of());
    store.apply(pending); // committed, but node-a did not see the acknowledgement and lost the store
    for (int i = 1; i <= 6; i++) {
      clock.advance(Duration.ofDays(1));
      store.apply(batch("node-b:" + i, List.of(use("acme", "k", "get", JAN_1, "1", 1)), List.of()));
    }

    assertThat(store.apply(pending)).isFalse();
    assertThat(store.totals("acme", JAN_1, FEB_1).byOperation()).isEqualTo(Map.of("put", units("1"), "get", units("6")));
  }

  @Test
  void apply_idsOfANodeSilentLongerThanItsWindow_areForgottenByOtherNodes() {
    store.apply(batch("node-a:1", List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of()));
    store.apply(batch("node-c:1", List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of()));
    clock.advance(Duration.ofDays(3));
    store.apply(batch("node-c:2", List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of()));
    clock.advance(UsageStore.SILENT_NODE_WINDOW.minus(Duration.ofDays(3)).plusMillis(1));

    store.apply(batch("node-b:1", List.of(use("acme", "k", "put", JAN_1, "1", 1)), List.of()));

    assertThat(appliedBatchIds()).containsExactlyInAnyOrder("node-c:2", "node-b:1");
    assertThat(store.totals("acme", JAN_1, FEB_1).requests()).isEqualTo(4);
  }

  private List<String> appliedBatchIds() {
    try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT batch_id FROM applied_batches")) {
      List<String> ids = new ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
      return ids;
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
