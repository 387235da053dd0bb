package io.tollgate.store;

import io.tollgate.metering.SlaAtRisk;
import io.tollgate.metering.SlaAttainment;
import io.tollgate.metering.SlaRule;
import io.tollgate.metering.SlaTargets;
import io.tollgate.metering.UsageBatch;
import io.tollgate.webhooks.EventType;
import io.tollgate.webhooks.WebhookEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Writes {@code sla.at_risk} events in the transaction of the usage batch whose counts reach a level
 * ({@link SlaAtRisk}): for each customer of the batch, the period's stored failed and billed requests (this batch
 * included) are summed, and each level reached is marked in {@code sla_at_risk}, whose primary key (customer,
 * period, level) keeps a second event from being written whatever replays, restarts or nodes come. Thread-safe.
 */
final class SlaAtRiskRows {
  private static final String MARK = "INSERT INTO sla_at_risk (customer_id, period, level, event_id, crossed_at)"
      + " VALUES (:customerId, :period, :level, :event, :at) ON CONFLICT (customer_id, period, level) DO NOTHING";
  private static final String FAILED = "SELECT customer_id, SUM(refusals) AS n FROM refusals_daily"
      + " WHERE customer_id IN (<ids>) AND code IN (<codes>) AND day >= :from AND day < :to GROUP BY customer_id";
  private static final String BILLED = "SELECT customer_id, SUM(requests) AS n FROM usage_daily"
      + " WHERE customer_id IN (<ids>) AND day >= :from AND day < :to GROUP BY customer_id";
  private static final int CHUNK = 500;
  private static final List<String> FAILURE_CODES = List.copyOf(new java.util.TreeSet<>(SlaRule.FAILURES));

  private volatile SlaTargets targets = SlaTargets.NONE;
  /**
   * Customer id → the last target (period, target, creation) both of whose levels are known marked by a committed
   * batch: its batches need no sum any more.
   */
  private final Map<String, SlaTargets.Target> allMarked = new ConcurrentHashMap<>();

  void watch(SlaTargets targets) {
    this.targets = Objects.requireNonNull(targets);
  }

  /**
   * The customers of {@code batch} with a level not known marked in their period: customer → its target, grouped by
   * period label.
   */
  Map<String, Map<String, SlaTargets.Target>> toSum(UsageBatch batch) {
    SlaTargets watched = targets;
    Map<String, Map<String, SlaTargets.Target>> byPeriod = new TreeMap<>();
    if (watched == SlaTargets.NONE) {
      return byPeriod;
    }
    List<Map.Entry<String, java.time.LocalDate>> days = new ArrayList<>();
    batch.usage().forEach(r -> days.add(Map.entry(r.customerId(), r.day())));
    batch.refusals().stream().filter(r -> SlaRule.fails(r.code()))
        .forEach(r -> days.add(Map.entry(r.customerId(), r.day())));
    for (Map.Entry<String, java.time.LocalDate> d : days) {
      watched.target(d.getKey(), d.getValue())
          .filter(t -> !t.equals(allMarked.get(d.getKey())))
          .ifPresent(t -> byPeriod.computeIfAbsent(t.period().label(), p -> new TreeMap<>())
              .putIfAbsent(d.getKey(), t));
    }
    return byPeriod;
  }

  /** Marks, with their events, the levels the customers of {@code byPeriod} ({@link #toSum}) reach in their periods. */
  void write(Handle h, Map<String, Map<String, SlaTargets.Target>> byPeriod, long now) {
    byPeriod.forEach((label, customers) -> {
      SlaTargets.Target any = customers.values().iterator().next();
      Map<String, Long> failed = sums(h, FAILED, new ArrayList<>(customers.keySet()), any);
      Map<String, Long> billed = sums(h, BILLED, new ArrayList<>(failed.keySet()), any);
      failed.forEach((customerId, n) -> mark(h, customerId, customers.get(customerId),
          new SlaAttainment(customers.get(customerId).target(),
              Math.addExact(Math.max(0, billed.getOrDefault(customerId, 0L)), n), n), now));
    });
  }

  private static Map<String, Long> sums(Handle h, String sql, List<String> ids, SlaTargets.Target any) {
    Map<String, Long> out = new HashMap<>();
    for (int i = 0; i < ids.size(); i += CHUNK) {
      var query = h.createQuery(sql).bindList("ids", ids.subList(i, Math.min(ids.size(), i + CHUNK)))
          .bind("from", any.period().firstDay().toString()).bind("to", any.period().endDay().toString());
      if (sql.contains("<codes>")) {
        query.bindList("codes", FAILURE_CODES);
      }
      query.map((rs, ctx) -> Map.entry(rs.getString("customer_id"), rs.getLong("n")))
          .forEach(e -> out.put(e.getKey(), e.getValue()));
    }
    return out;
  }

  private void mark(Handle h, String customerId, SlaTargets.Target t, SlaAttainment sla, long now) {
    List<SlaAtRisk.Level> reached = SlaAtRisk.reached(sla);
    boolean allBefore = reached.size() == SlaAtRisk.Level.values().length; // every level marked by an earlier batch
    for (SlaAtRisk.Level level : reached) {
      WebhookEvent event = WebhookEvent.of(EventType.SLA_AT_RISK, Instant.ofEpochMilli(now),
          OutboxRows.map("customer_id", customerId, "period", t.period().label(), "level", level.wireName(),
              "target", t.target(), "attained", sla.attained(), "failed_requests", sla.failedRequests(),
              "eligible_requests", sla.eligibleRequests(), "tier", t.tier()));
      int marked = h.createUpdate(MARK).bind("customerId", customerId).bind("period", t.period().label())
          .bind("level", level.wireName()).bind("event", event.id()).bind("at", now).execute();
      if (marked > 0) {
        allBefore = false;
        OutboxRows.write(h, event);
      }
    }
    if (allBefore) {
      allMarked.put(customerId, t);
    }
  }
}
