package io.tollgate.store;

import io.tollgate.metering.UsageBatch;
import io.tollgate.webhooks.EventType;
import io.tollgate.webhooks.WebhookEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * Writes {@code rate_limit.sustained} in the transaction of the usage batch that makes a customer's episode of
 * {@code 429 rate_limited} refusals last longer than the setting. An episode is the run of batches (of any node)
 * holding such refusals for the customer with no gap between two of them longer than the setting; its row in
 * {@code rate_limit_episodes} holds when it started, when it was last refused, and the event once written, so the
 * event is written once per episode whatever replays, restarts or nodes come. Times are when the store applied the
 * batches. Thread-safe.
 */
final class RateLimitEpisodeRows {
  /** The refusal code of a customer over its rate limit (not {@code quota_exceeded}: see usage.threshold). */
  static final String RATE_LIMITED = "rate_limited";
  private static final String START = "INSERT INTO rate_limit_episodes (customer_id, started_at, last_refused_at,"
      + " event_id) VALUES (:customerId, :at, :at, NULL) ON CONFLICT (customer_id) DO UPDATE SET"
      + " started_at = excluded.started_at, last_refused_at = excluded.last_refused_at, event_id = NULL";
  private static final String CONTINUE = "UPDATE rate_limit_episodes SET last_refused_at = :at,"
      + " event_id = COALESCE(event_id, :event) WHERE customer_id = :customerId";

  private volatile Optional<Duration> sustained = Optional.empty();

  /** From now on, an episode longer than {@code after} writes its event. */
  void watch(Duration after) {
    sustained = Optional.of(after);
  }

  /** Extends, starts or reports the episodes of the customers {@code batch} refused with 429 rate_limited. */
  void write(Handle h, String lockClause, UsageBatch batch, long now) {
    if (sustained.isEmpty()) {
      return;
    }
    long after = sustained.get().toMillis();
    TreeSet<String> refused = new TreeSet<>(); // in key order: nodes lock the rows they share in one order
    batch.refusals().stream()
        .filter(r -> r.code().equals(RATE_LIMITED) && r.count() > 0 && !r.customerId().isEmpty())
        .forEach(r -> refused.add(r.customerId()));
    for (String customerId : refused) {
      Optional<Episode> current = h.createQuery("SELECT started_at, last_refused_at, event_id"
              + " FROM rate_limit_episodes WHERE customer_id = :customerId" + lockClause)
          .bind("customerId", customerId)
          .map((rs, ctx) -> new Episode(rs.getLong("started_at"), rs.getLong("last_refused_at"),
              rs.getString("event_id") != null))
          .findOne();
      if (current.isEmpty() || now - current.get().lastRefusedAt() > after) {
        h.createUpdate(START).bind("customerId", customerId).bind("at", now).execute();
        continue;
      }
      Episode e = current.get();
      long at = Math.max(now, e.lastRefusedAt());
      String eventId = null;
      if (!e.reported() && at - e.startedAt() > after) {
        WebhookEvent event = WebhookEvent.of(EventType.RATE_LIMIT_SUSTAINED, Instant.ofEpochMilli(now),
            OutboxRows.map("customer_id", customerId, "since", Instant.ofEpochMilli(e.startedAt()).toString(),
                "refused_for_s", (at - e.startedAt()) / 1000, "sustained_rate_limit_s", after / 1000));
        OutboxRows.write(h, event);
        eventId = event.id();
      }
      h.createUpdate(CONTINUE).bind("customerId", customerId).bind("at", at).bind("event", eventId).execute();
    }
  }

  private record Episode(long startedAt, long lastRefusedAt, boolean reported) {}
}
