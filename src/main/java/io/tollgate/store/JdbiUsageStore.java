package io.tollgate.store;

import io.tollgate.limits.Units;
import io.tollgate.metering.DailyUsage;
import io.tollgate.metering.SlaRule;
import io.tollgate.metering.UsageBatch;
import io.tollgate.metering.UsageBatch.RefusalRow;
import io.tollgate.metering.UsageBatch.UsageRow;
import io.tollgate.metering.UsageStore;
import io.tollgate.metering.UsageThresholds;
import io.tollgate.webhooks.EventType;
import io.tollgate.webhooks.WebhookEvent;
import io.tollgate.metering.UsageTotals;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Daily usage over Jdbi, the same SQL for every dialect (SQLite accepts PostgreSQL's {@code ON CONFLICT} upsert).
 * A batch is applied exactly once: its id is inserted into {@code applied_batches} in the same transaction, and a
 * batch whose id is already there changes nothing. Ids that can no longer be replayed are deleted in the same
 * transaction (see {@link UsageStore#apply}). Days are stored as {@code YYYY-MM-DD}, so text order is day
 * order. Thread-safe.
 */
final class JdbiUsageStore implements UsageStore {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbiUsageStore.class);
  private static final String MARK_APPLIED = "INSERT INTO applied_batches (batch_id, node_id, applied_at)"
      + " VALUES (:id, :node, :at) ON CONFLICT (batch_id) DO NOTHING";
  /** One statement for both prunes, so that two nodes' transactions lock the rows they share in one order. */
  private static final String FORGET = "DELETE FROM applied_batches WHERE applied_at < :silentBefore"
      + " OR (node_id = :node AND applied_at < :replayBefore)";
  private static final String ADD_USAGE = "INSERT INTO usage_daily (customer_id, day, key_id, operation,"
      + " units_milli, requests) VALUES (:customerId, :day, :keyId, :operation, :milli, :requests)"
      + " ON CONFLICT (customer_id, day, key_id, operation) DO UPDATE SET"
      + " units_milli = usage_daily.units_milli + excluded.units_milli,"
      + " requests = usage_daily.requests + excluded.requests";
  private static final String ADD_REFUSALS = "INSERT INTO refusals_daily (customer_id, day, key_id, code, refusals)"
      + " VALUES (:customerId, :day, :keyId, :code, :count) ON CONFLICT (customer_id, day, key_id, code)"
      + " DO UPDATE SET refusals = refusals_daily.refusals + excluded.refusals";
  private static final String USAGE_BY_KEY = "SELECT customer_id, key_id, operation, SUM(units_milli) AS milli,"
      + " SUM(requests) AS requests FROM usage_daily WHERE day >= :from AND day < :to";
  private static final String REFUSALS_BY_CODE = "SELECT customer_id, code, SUM(refusals) AS refusals"
      + " FROM refusals_daily WHERE day >= :from AND day < :to";

  private static final String PERIOD_UNITS = "SELECT customer_id, SUM(units_milli) AS milli FROM usage_daily"
      + " WHERE customer_id IN (<ids>) AND day >= :from AND day < :to GROUP BY customer_id";
  private static final int SUM_CHUNK = 500;
  private static final String MARK_CROSSED = "INSERT INTO usage_thresholds (customer_id, period, threshold,"
      + " event_id, crossed_at) VALUES (:customerId, :period, :threshold, :event, :at)"
      + " ON CONFLICT (customer_id, period, threshold) DO NOTHING";

  private final GuardedJdbi guard;
  private final InstantSource clock;
  private volatile UsageThresholds thresholds = UsageThresholds.NONE;
  private final SlaAtRiskRows slaAtRisk = new SlaAtRiskRows();
  private final RateLimitEpisodeRows rateLimitEpisodes = new RateLimitEpisodeRows();
  /**
   * Customer id → the last watch (period, thresholds, the customer's creation) whose every threshold is known
   * crossed: its batches need no sum any more. A watch that differs in any of these (a new period, thresholds
   * changed by an override or the tier, the customer purged and created again) is summed again.
   */
  private final Map<String, Crossed> allCrossed = new java.util.concurrent.ConcurrentHashMap<>();

  /** What {@link #allCrossed} remembers of a watch. */
  private record Crossed(String period, List<Integer> percents, java.time.Instant customerCreatedAt) {
    static Crossed of(UsageThresholds.Watch w) {
      return new Crossed(w.period().label(), w.percents(), w.customerCreatedAt());
    }
  }

  JdbiUsageStore(GuardedJdbi guard, InstantSource clock) {
    this.guard = guard;
    this.clock = clock;
  }

  @Override
  public boolean apply(UsageBatch batch) {
    return guard.inTransaction(h -> guard.translating(() -> applyIn(h, batch)));
  }

  /** Claims the batch id first: on a duplicate nothing else is written (no exception aborts the transaction). */
  private boolean applyIn(Handle h, UsageBatch batch) {
    long now = clock.millis();
    int marked = h.createUpdate(MARK_APPLIED).bind("id", batch.id()).bind("node", batch.node()).bind("at", now)
        .execute();
    if (marked == 0) {
      return false;
    }
    UsageBatch kept = withoutPurgedKeys(h, batch);
    addUsage(h, kept.usage(), kept.takenBack());
    addRefusals(h, kept.refusals());
    Map<String, Map<String, UsageThresholds.Watch>> thresholdSums = toSum(kept.usage());
    Map<String, Map<String, io.tollgate.metering.SlaTargets.Target>> slaSums = slaAtRisk.toSum(kept);
    lockSummed(h, thresholdSums, slaSums);
    crossThresholds(h, thresholdSums, now);
    slaAtRisk.write(h, slaSums, now);
    rateLimitEpisodes.write(h, guard.dialect().lockClause(), kept, now);
    h.createUpdate(FORGET).bind("node", batch.node())
        .bind("replayBefore", now - REPLAY_WINDOW.toMillis())
        .bind("silentBefore", now - SILENT_NODE_WINDOW.toMillis())
        .execute();
    return true;
  }

  /**
   * The batch without the rows of keys whose customer was purged ({@code purged_keys}): usage and refusals of a
   * creation that no longer exists, which reached the store after its purge (a request answered after it, a batch
   * written late or replayed from a spill file). Written, they would be counted for a customer created again with
   * the same id (its usage document, its quota seed at the next start) or stay as billing-export rows that no usage
   * document has. One look at an empty table while nothing was ever purged. On PostgreSQL the batch first waits
   * for a purge under way ({@code Dialect.purgeBarrier}): read committed, it would not see the purge's uncommitted
   * ids, and the purge's deletes would not see its uncommitted rows, which then stayed.
   */
  private UsageBatch withoutPurgedKeys(Handle h, UsageBatch batch) {
    guard.dialect().purgeBarrier().ifPresent(h::execute);
    if (h.createQuery("SELECT key_id FROM purged_keys LIMIT 1").mapTo(String.class).findOne().isEmpty()) {
      return batch;
    }
    java.util.TreeSet<String> keys = new java.util.TreeSet<>();
    batch.usage().forEach(r -> keys.add(r.keyId()));
    batch.takenBack().forEach(r -> keys.add(r.keyId()));
    batch.refusals().forEach(r -> keys.add(r.keyId()));
    java.util.Set<String> purged = purgedKeys(h, keys);
    if (purged.isEmpty()) {
      return batch;
    }
    LOG.info("usage batch {}: the rows of {} keys of purged customers dropped (billed after the purge)", batch.id(),
        purged.size());
    return new UsageBatch(batch.id(), batch.usage().stream().filter(r -> !purged.contains(r.keyId())).toList(),
        batch.takenBack().stream().filter(r -> !purged.contains(r.keyId())).toList(),
        batch.refusals().stream().filter(r -> !purged.contains(r.keyId())).toList());
  }

  @Override
  public java.util.Set<String> purgedKeys(java.util.Collection<String> keyIds) {
    return guard.withHandle(h -> purgedKeys(h, keyIds));
  }

  /** Which of {@code keyIds} are in {@code purged_keys}, read on {@code h}; 500 ids a query. */
  private static java.util.Set<String> purgedKeys(Handle h, java.util.Collection<String> keyIds) {
    List<String> ids = keyIds.stream().filter(id -> !id.isEmpty()).distinct().toList();
    java.util.Set<String> purged = new java.util.HashSet<>();
    for (int i = 0; i < ids.size(); i += SUM_CHUNK) {
      purged.addAll(h.createQuery("SELECT key_id FROM purged_keys WHERE key_id IN (<ids>)")
          .bindList("ids", ids.subList(i, Math.min(ids.size(), i + SUM_CHUNK))).mapTo(String.class).list());
    }
    return purged;
  }

  /** From now on, batches write the usage.threshold events of these thresholds. */
  void watch(UsageThresholds thresholds) {
    this.thresholds = java.util.Objects.requireNonNull(thresholds);
  }

  /** From now on, batches write rate_limit.sustained for 429 episodes longer than {@code after}. */
  void watchRateLimits(java.time.Duration after) {
    rateLimitEpisodes.watch(after);
  }

  /** From now on, batches write the sla.at_risk events of these targets. */
  void watch(io.tollgate.metering.SlaTargets targets) {
    slaAtRisk.watch(targets);
  }

  /**
   * The customers whose period this batch added usage to and who have a threshold not known crossed: customer → its
   * watch, grouped by period label, for one grouped sum per period (and 500 customers).
   */
  private Map<String, Map<String, UsageThresholds.Watch>> toSum(List<UsageRow> added) {
    UsageThresholds watched = thresholds;
    Map<String, Map<String, UsageThresholds.Watch>> byPeriod = new TreeMap<>();
    if (watched == UsageThresholds.NONE) {
      return byPeriod;
    }
    for (UsageRow r : added) {
      watched.watch(r.customerId(), r.day())
          .filter(w -> !Crossed.of(w).equals(allCrossed.get(r.customerId())))
          .ifPresent(w -> byPeriod.computeIfAbsent(w.period().label(), p -> new TreeMap<>())
              .putIfAbsent(r.customerId(), w));
    }
    return byPeriod;
  }

  /**
   * Locks the rows of the customers whose period sums this batch is about to read, in id order, until it commits.
   * Two nodes' batches for one customer that write different rows (two keys, two operations) would otherwise both
   * sum without the other's uncommitted rows and both stay below a threshold their sum reaches, which then is never
   * sent; with the lock the second one sums after the first committed. SQLite's single writer already serializes
   * batches (its lock clause is empty, and nothing is read here).
   */
  private void lockSummed(Handle h, Map<String, ? extends Map<String, ?>> thresholdSums,
      Map<String, ? extends Map<String, ?>> slaSums) {
    String lock = guard.dialect().lockClause();
    if (lock.isEmpty()) {
      return;
    }
    java.util.TreeSet<String> ids = new java.util.TreeSet<>();
    thresholdSums.values().forEach(m -> ids.addAll(m.keySet()));
    slaSums.values().forEach(m -> ids.addAll(m.keySet()));
    List<String> sorted = new ArrayList<>(ids);
    for (int i = 0; i < sorted.size(); i += SUM_CHUNK) {
      h.createQuery("SELECT customer_id FROM customers WHERE customer_id IN (<ids>) ORDER BY customer_id" + lock)
          .bindList("ids", sorted.subList(i, Math.min(sorted.size(), i + SUM_CHUNK))).mapTo(String.class).list();
    }
  }

  /**
   * For each customer and period of {@code byPeriod} ({@link #toSum}), sums the period's stored usage (this batch
   * included) and records each threshold it reaches: the primary key of {@code usage_thresholds} keeps a second
   * event of the same customer, period and threshold from being written, whatever replays, restarts or tier changes
   * come.
   */
  private void crossThresholds(Handle h, Map<String, Map<String, UsageThresholds.Watch>> byPeriod, long now) {
    byPeriod.forEach((label, watches) -> {
      List<String> ids = new ArrayList<>(watches.keySet());
      Map<String, Long> used = new java.util.HashMap<>();
      UsageThresholds.Watch any = watches.values().iterator().next();
      for (int i = 0; i < ids.size(); i += SUM_CHUNK) {
        h.createQuery(PERIOD_UNITS).bindList("ids", ids.subList(i, Math.min(ids.size(), i + SUM_CHUNK)))
            .bind("from", any.period().firstDay().toString()).bind("to", any.period().endDay().toString())
            .map((rs, ctx) -> Map.entry(rs.getString("customer_id"), rs.getLong("milli")))
            .forEach(e -> used.put(e.getKey(), e.getValue()));
      }
      watches.forEach((customerId, w) -> cross(h, customerId, w, used.getOrDefault(customerId, 0L), now));
    });
  }

  /** Records each threshold of {@code w} that {@code used} reaches and was not recorded yet, with its event. */
  private void cross(Handle h, String customerId, UsageThresholds.Watch w, long used, long now) {
    boolean allBefore = true; // every threshold crossed by an earlier, committed batch
    for (int percent : w.percents()) {
      if (!reaches(used, w.quota(), percent)) {
        allBefore = false;
        continue;
      }
      WebhookEvent event = WebhookEvent.of(EventType.USAGE_THRESHOLD, java.time.Instant.ofEpochMilli(now),
          OutboxRows.map("customer_id", customerId, "period", w.period().label(), "threshold", percent,
              "units_used", new Units(used).toDecimal(), "quota", w.quota().toDecimal(), "tier", w.tier()));
      int marked = h.createUpdate(MARK_CROSSED).bind("customerId", customerId).bind("period", w.period().label())
          .bind("threshold", percent).bind("event", event.id()).bind("at", now).execute();
      if (marked > 0) {
        allBefore = false;
        OutboxRows.write(h, event);
      }
    }
    if (allBefore) {
      allCrossed.put(customerId, Crossed.of(w));
    }
  }

  /** Whether {@code usedMilli} is at least {@code percent} % of the quota. */
  static boolean reaches(long usedMilli, Units quota, int percent) {
    return java.math.BigInteger.valueOf(usedMilli).multiply(java.math.BigInteger.valueOf(100))
        .compareTo(java.math.BigInteger.valueOf(quota.milli()).multiply(java.math.BigInteger.valueOf(percent))) >= 0;
  }

  /**
   * Rows for the same customer, day, key and operation are merged first, what is taken back subtracted from what is
   * added: one upsert per table row, none for a row whose change is nil (a request billed and taken back in the same
   * batch leaves no trace). What is taken back was added by this batch or an earlier one (the recorder takes back
   * only usage it recorded before), so a stored row never goes below zero.
   */
  private static void addUsage(Handle h, List<UsageRow> added, List<UsageRow> takenBack) {
    Map<RowId, long[]> merged = new LinkedHashMap<>();
    merge(merged, added, 1);
    merge(merged, takenBack, -1);
    PreparedBatch upserts = h.prepareBatch(ADD_USAGE);
    merged.forEach((id, sums) -> {
      if (sums[0] != 0 || sums[1] != 0) {
        id.bind(upserts, "operation").bind("milli", sums[0]).bind("requests", sums[1]).add();
      }
    });
    if (upserts.size() > 0) {
      upserts.execute();
    }
  }

  private static void merge(Map<RowId, long[]> into, List<UsageRow> rows, int sign) {
    for (UsageRow r : rows) {
      long[] sums = into.computeIfAbsent(new RowId(r.customerId(), r.day(), r.keyId(), r.operation()),
          id -> new long[2]);
      sums[0] = Math.addExact(sums[0], sign * r.units().milli());
      sums[1] = Math.addExact(sums[1], sign * r.requests());
    }
  }

  private static void addRefusals(Handle h, List<RefusalRow> rows) {
    Map<RowId, Long> merged = new LinkedHashMap<>();
    for (RefusalRow r : rows) {
      merged.merge(new RowId(r.customerId(), r.day(), r.keyId(), r.code()), r.count(), Math::addExact);
    }
    PreparedBatch upserts = h.prepareBatch(ADD_REFUSALS);
    merged.forEach((id, count) -> id.bind(upserts, "code").bind("count", count).add());
    if (!merged.isEmpty()) {
      upserts.execute();
    }
  }

  /** The primary key of a daily row; {@code kind} is the operation or the refusal code. */
  private record RowId(String customerId, LocalDate day, String keyId, String kind) {
    PreparedBatch bind(PreparedBatch batch, String kindColumn) {
      return batch.bind("customerId", customerId).bind("day", day.toString()).bind("keyId", keyId)
          .bind(kindColumn, kind);
    }
  }

  @Override
  public UsageTotals totals(String customerId, LocalDate from, LocalDate to) {
    return sums(" AND customer_id = :customerId", customerId, from, to).getOrDefault(customerId, UsageTotals.EMPTY);
  }

  @Override
  public Map<String, UsageTotals> totalsByCustomer(LocalDate from, LocalDate to) {
    return sums("", null, from, to);
  }

  /** Totals by customer id, sorted, from one snapshot of both tables. */
  private Map<String, UsageTotals> sums(String filter, String customerId, LocalDate from, LocalDate to) {
    return guard.inReadSnapshot(h -> sums(h, filter, customerId, from, to));
  }

  /** Totals by customer id, sorted, read on {@code h} (the caller's snapshot). */
  private static Map<String, UsageTotals> sums(Handle h, String filter, String customerId, LocalDate from,
      LocalDate to) {
    Map<String, UsageSums> sums = new TreeMap<>();
    h.createQuery(USAGE_BY_KEY + filter + " GROUP BY customer_id, key_id, operation")
        .bindMap(range(customerId, from, to))
        .map((rs, ctx) -> new UsageGroup(rs.getString("customer_id"), rs.getString("key_id"),
            rs.getString("operation"), rs.getLong("milli"), rs.getLong("requests")))
        .forEach(g -> sums.computeIfAbsent(g.customerId(), c -> new UsageSums())
            .addUsage(g.keyId(), g.operation(), g.milli(), g.requests()));
    h.createQuery(REFUSALS_BY_CODE + filter + " GROUP BY customer_id, code")
        .bindMap(range(customerId, from, to))
        .map((rs, ctx) -> new RefusalGroup(rs.getString("customer_id"), rs.getString("code"), rs.getLong("refusals")))
        .forEach(g -> sums.computeIfAbsent(g.customerId(), c -> new UsageSums()).addRefusals(g.code(), g.count()));
    Map<String, UsageTotals> totals = new TreeMap<>();
    sums.forEach((id, s) -> totals.put(id, s.toTotals()));
    return Collections.unmodifiableMap(totals);
  }

  private record UsageGroup(String customerId, String keyId, String operation, long milli, long requests) {}

  private record RefusalGroup(String customerId, String code, long count) {}

  private static Map<String, Object> range(String customerId, LocalDate from, LocalDate to) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("from", from.toString());
    params.put("to", to.toString());
    if (customerId != null) {
      params.put("customerId", customerId);
    }
    return params;
  }

  @Override
  public Map<String, Units> unitsByCustomer(LocalDate from, LocalDate to) {
    String sql = "SELECT customer_id, SUM(units_milli) AS milli FROM usage_daily"
        + " WHERE day >= :from AND day < :to GROUP BY customer_id";
    Map<String, Units> out = new java.util.HashMap<>();
    guard.withHandle(h -> {
      h.createQuery(sql).bindMap(range(null, from, to))
          .map((rs, ctx) -> Map.entry(rs.getString("customer_id"), new Units(rs.getLong("milli"))))
          .forEach(e -> out.put(e.getKey(), e.getValue()));
      return null;
    });
    return Collections.unmodifiableMap(out);
  }

  @Override
  public List<ExportRow> exportRows(LocalDate from, LocalDate to) {
    return guard.withHandle(h -> exportRows(h, from, to));
  }

  @Override
  public Billing billing(LocalDate from, LocalDate to) {
    return guard.inReadSnapshot(h -> new Billing(exportRows(h, from, to), sums(h, "", null, from, to)));
  }

  private static List<ExportRow> exportRows(Handle h, LocalDate from, LocalDate to) {
    String sql = "SELECT customer_id, operation, SUM(units_milli) AS milli, SUM(requests) AS requests"
        + " FROM usage_daily WHERE day >= :from AND day < :to GROUP BY customer_id, operation"
        + " ORDER BY customer_id, operation";
    return h.createQuery(sql).bindMap(range(null, from, to))
        .map((rs, ctx) -> new ExportRow(rs.getString("customer_id"), rs.getString("operation"),
            new Units(rs.getLong("milli")), rs.getLong("requests")))
        .list();
  }

  @Override
  public List<DailyUsage> daily(String customerId, LocalDate from, LocalDate to) {
    String sql = "SELECT day, operation, SUM(units_milli) AS milli, SUM(requests) AS requests FROM usage_daily"
        + " WHERE day >= :from AND day < :to AND customer_id = :customerId GROUP BY day, operation";
    String failures = "SELECT day, code, SUM(refusals) AS refusals FROM refusals_daily"
        + " WHERE day >= :from AND day < :to AND customer_id = :customerId GROUP BY day, code";
    Map<LocalDate, List<DayGroup>> byDay = new TreeMap<>();
    Map<LocalDate, Long> failedByDay = new HashMap<>();
    guard.inReadSnapshot(h -> {
      h.createQuery(sql).bindMap(range(customerId, from, to))
          .map((rs, ctx) -> new DayGroup(LocalDate.parse(rs.getString("day")), rs.getString("operation"),
              rs.getLong("milli"), rs.getLong("requests")))
          .forEach(g -> byDay.computeIfAbsent(g.day(), d -> new ArrayList<>()).add(g));
      h.createQuery(failures).bindMap(range(customerId, from, to))
          .map((rs, ctx) -> new DayRefusals(LocalDate.parse(rs.getString("day")), rs.getString("code"),
              rs.getLong("refusals")))
          .forEach(r -> {
            if (SlaRule.fails(r.code())) {
              failedByDay.merge(r.day(), r.count(), Math::addExact);
              byDay.computeIfAbsent(r.day(), d -> new ArrayList<>());
            }
          });
      return null;
    });
    List<DailyUsage> out = new ArrayList<>();
    byDay.forEach((day, ops) -> {
      Map<String, Units> byOperation = new LinkedHashMap<>();
      ops.forEach(g -> byOperation.put(g.operation(), new Units(g.milli())));
      out.add(new DailyUsage(day, new Units(ops.stream().mapToLong(DayGroup::milli).reduce(0, Math::addExact)),
          ops.stream().mapToLong(DayGroup::requests).reduce(0, Math::addExact), byOperation,
          failedByDay.getOrDefault(day, 0L)));
    });
    return List.copyOf(out);
  }

  private record DayRefusals(LocalDate day, String code, long count) {}

  private record DayGroup(LocalDate day, String operation, long milli, long requests) {}
}
