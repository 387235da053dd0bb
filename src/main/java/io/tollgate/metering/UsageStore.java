package io.tollgate.metering;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Durable usage: units, requests and refusals per customer × key × operation × day (UTC). Synchronous and
 * blocking (call off the event loop), thread-safe.
 */
public interface UsageStore {
  /**
   * How long every applied batch id is kept at least, whoever sends it again and in whatever order: a replay
   * within this time of the first apply changes nothing.
   */
  Duration REPLAY_WINDOW = Duration.ofHours(1);

  /**
   * How long the ids of a node are kept when that node sends nothing newer: it crashed, stopped, or cannot reach the
   * store and keeps retrying its one pending batch (the only batch a node ever sends again, see
   * {@link BatchingUsageRecorder}).
   */
  Duration SILENT_NODE_WINDOW = Duration.ofDays(7);

  /**
   * Applies a batch of usage once: in one transaction that also records {@code batch.id()}; a batch whose id was
   * already applied changes nothing and returns {@code false}. The same transaction forgets ids that can no longer
   * come back: the node's own ids applied more than {@link #REPLAY_WINDOW} ago (a node sends a new batch only once
   * every earlier one is acknowledged), and any node's ids applied more than {@link #SILENT_NODE_WINDOW} ago.
   */
  boolean apply(UsageBatch batch);

  /**
   * Which of {@code keyIds} belong to purged customers: {@link #apply} leaves out their rows, and so must whoever
   * counts a batch elsewhere (the quota counters, for a spilled batch replayed at start).
   */
  java.util.Set<String> purgedKeys(java.util.Collection<String> keyIds);

  /** The sums of one customer for the days {@code [from, to)}; all zero when there is nothing. */
  UsageTotals totals(String customerId, LocalDate from, LocalDate to);

  /** The sums of every customer with usage or refusals in {@code [from, to)}, by customer id. */
  Map<String, UsageTotals> totalsByCustomer(LocalDate from, LocalDate to);

  /**
   * Billed units of every customer with usage in {@code [from, to)}, by customer id: what the quota counters are
   * seeded with at start. One grouped query.
   */
  Map<String, io.tollgate.limits.Units> unitsByCustomer(LocalDate from, LocalDate to);

  /**
   * One row per customer × operation with usage in {@code [from, to)}, ordered by customer id then operation: the
   * billing export.
   */
  List<ExportRow> exportRows(LocalDate from, LocalDate to);

  /**
   * {@link #exportRows} and {@link #totalsByCustomer} for the same days read from one snapshot of the store, so that
   * the billing export's rows and its SLA figures never come from either side of a batch.
   */
  Billing billing(LocalDate from, LocalDate to);

  /**
   * The billing export's two reads, from one snapshot.
   *
   * @param rows as {@link #exportRows}
   * @param totals as {@link #totalsByCustomer}
   */
  record Billing(List<ExportRow> rows, Map<String, UsageTotals> totals) {
    public Billing {
      rows = List.copyOf(rows);
      totals = Map.copyOf(totals);
    }
  }

  /**
   * Billed usage of one customer and operation over a range of days.
   *
   * @param customerId who pays
   * @param operation the operation
   * @param units billed units
   * @param requests billed requests
   */
  record ExportRow(String customerId, String operation, io.tollgate.limits.Units units, long requests) {}

  /** One row per customer × day in {@code [from, to)} with usage or SLA failures ({@link SlaRule}), ordered by day. */
  List<DailyUsage> daily(String customerId, LocalDate from, LocalDate to);
}
