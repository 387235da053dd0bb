package io.tollgate.store;

import io.tollgate.registry.Actor;
import io.tollgate.registry.AuditEntry;
import io.tollgate.registry.AuditEntry.FieldChange;
import io.tollgate.registry.CustomerKey;
import io.tollgate.registry.RegistryEvents;
import io.tollgate.webhooks.Delivery;
import io.tollgate.webhooks.Endpoint;
import io.tollgate.webhooks.EventType;
import io.tollgate.webhooks.Signature;
import io.tollgate.webhooks.WebhookEvent;
import io.tollgate.webhooks.WebhookStore;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Webhook endpoints and deliveries over Jdbi, the same SQL for both dialects. Thread-safe. */
final class JdbiWebhookStore implements WebhookStore {
  /** The longest {@code last_error} kept, in bytes of UTF-8. */
  static final int MAX_ERROR_BYTES = 1024;
  private static final String ENDPOINT = "SELECT endpoint_id, url, events, description, enabled, created_at,"
      + " disabled_reason FROM webhook_endpoints";
  private static final String DELIVERY = "SELECT d.delivery_id, d.event_id, d.endpoint_id, e.type, d.status,"
      + " d.attempts, d.created_at, d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error"
      + " FROM webhook_deliveries d JOIN webhook_events e ON e.event_id = d.event_id";
  private static final RowMapper<Endpoint> ENDPOINTS = (rs, ctx) -> new Endpoint(rs.getString("endpoint_id"),
      rs.getString("url"), OutboxRows.events(rs.getString("events")), Columns.optionalText(rs, "description"),
      rs.getBoolean("enabled"), Columns.instant(rs, "created_at"), Columns.optionalText(rs, "disabled_reason"));
  private static final RowMapper<Delivery> DELIVERIES = (rs, ctx) -> new Delivery(rs.getString("delivery_id"),
      rs.getString("event_id"), rs.getString("endpoint_id"), rs.getString("type"),
      Delivery.Status.fromWire(rs.getString("status")), rs.getInt("attempts"), Columns.instant(rs, "created_at"),
      Columns.instant(rs, "next_attempt_at"), Columns.optionalInstant(rs, "last_attempt_at"),
      optionalInt(rs, "last_status"), Columns.optionalText(rs, "last_error"));

  private final GuardedJdbi guard;

  JdbiWebhookStore(GuardedJdbi guard) {
    this.guard = guard;
  }

  private static Optional<Integer> optionalInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(value);
  }

  @Override
  public Created create(NewEndpoint e, String actor, Instant now) {
    String id = OutboxRows.newEndpointId();
    String secret = Signature.newSecret();
    return guard.inTransaction(h -> guard.translating(() -> {
      h.createUpdate("INSERT INTO webhook_endpoints (endpoint_id, url, events, description, secret, enabled,"
              + " created_at) VALUES (:id, :url, :events, :description, :secret, :on, :at)")
          .bind("id", id).bind("url", e.url()).bind("events", OutboxRows.eventsColumn(e.events()))
          .bind("description", e.description().orElse(null)).bind("secret", secret).bind("on", 1)
          .bind("at", now.toEpochMilli()).execute();
      Endpoint created = findIn(h, id).orElseThrow();
      audit(h, now, Actor.adminApi(actor), "webhook.create", Map.of("url", new FieldChange(null, e.url()),
          "events", new FieldChange(null, e.events())));
      return new Created(created, secret);
    }));
  }

  private static Optional<Endpoint> findIn(Handle h, String id) {
    return h.createQuery(ENDPOINT + " WHERE endpoint_id = :id").bind("id", id).map(ENDPOINTS).findOne();
  }

  private static void audit(Handle h, Instant at, Actor actor, String action, Map<String, FieldChange> changes) {
    AuditRows.bind(h.createUpdate(AuditRows.INSERT), new AuditEntry(0, at, actor, action, AuditEntry.NO_CUSTOMER,
        Optional.empty(), changes)).execute();
  }

  @Override
  public List<Endpoint> list() {
    return guard.withHandle(h -> h.createQuery(ENDPOINT + " ORDER BY created_at, endpoint_id").map(ENDPOINTS).list());
  }

  @Override
  public Optional<Endpoint> find(String id) {
    return guard.withHandle(h -> findIn(h, id));
  }

  @Override
  public Optional<Endpoint> update(String id, EndpointPatch patch, String actor, Instant now) {
    return guard.inTransaction(h -> guard.translating(() -> {
      Optional<Endpoint> found = h.createQuery(ENDPOINT + " WHERE endpoint_id = :id" + guard.dialect().lockClause())
          .bind("id", id).map(ENDPOINTS).findOne();
      if (found.isEmpty()) {
        return Optional.<Endpoint>empty();
      }
      Endpoint before = found.get();
      Map<String, FieldChange> changes = new LinkedHashMap<>();
      patch.url().filter(u -> !u.equals(before.url())).ifPresent(u -> changes.put("url", new FieldChange(before.url(), u)));
      patch.events().filter(ev -> !ev.equals(before.events()))
          .ifPresent(ev -> changes.put("events", new FieldChange(before.events(), ev)));
      patch.description().filter(d -> !d.equals(before.description()))
          .ifPresent(d -> changes.put("description", new FieldChange(before.description().orElse(null), d.orElse(null))));
      patch.enabled().filter(on -> on != before.enabled())
          .ifPresent(on -> changes.put("enabled", new FieldChange(before.enabled(), on)));
      if (changes.isEmpty()) {
        return found;
      }
      boolean enabled = patch.enabled().orElse(before.enabled());
      h.createUpdate("UPDATE webhook_endpoints SET url = :url, events = :events, description = :description,"
              + " enabled = :on, disabled_reason = CASE WHEN :on = 1 THEN NULL ELSE disabled_reason END,"
              + " failing_since = CASE WHEN :on = 1 THEN NULL ELSE failing_since END WHERE endpoint_id = :id")
          .bind("id", id).bind("url", patch.url().orElse(before.url()))
          .bind("events", OutboxRows.eventsColumn(patch.events().orElse(before.events())))
          .bind("description", patch.description().orElse(before.description()).orElse(null))
          .bind("on", enabled ? 1 : 0).execute();
      audit(h, now, Actor.adminApi(actor), "webhook.update", changes);
      return findIn(h, id);
    }));
  }

  @Override
  public boolean delete(String id, String actor, Instant now) {
    return guard.inTransaction(h -> guard.translating(() -> {
      Optional<Endpoint> found = findIn(h, id);
      if (found.isEmpty()) {
        return false;
      }
      h.createUpdate("DELETE FROM webhook_deliveries WHERE endpoint_id = :id").bind("id", id).execute();
      h.createUpdate("DELETE FROM webhook_endpoints WHERE endpoint_id = :id").bind("id", id).execute();
      deleteOrphanEvents(h);
      audit(h, now, Actor.adminApi(actor), "webhook.delete", Map.of("url", new FieldChange(found.get().url(), null)));
      return true;
    }));
  }

  /** Events no delivery refers to any more. */
  private static void deleteOrphanEvents(Handle h) {
    h.createUpdate("DELETE FROM webhook_events WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d"
        + " WHERE d.event_id = webhook_events.event_id)").execute();
  }

  private static final int EXPIRING_BATCH = 500;
  /** Keys that expire in {@code (now, horizon]}, not revoked before, of a customer not deactivated, not marked. */
  static final String EXPIRING = KeyRows.SELECT + " WHERE expires_at > :now AND expires_at <= :horizon"
      + " AND (revoked_at IS NULL OR revoked_at > expires_at)"
      // correlated, so that the planner reads the keys by their expiry index, never every key of every customer
      + " AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = api_keys.customer_id"
      + " AND c.status = 'deactivated')"
      + " AND NOT EXISTS (SELECT 1 FROM key_expiring m WHERE m.key_id = api_keys.key_id"
      + " AND m.expires_at = api_keys.expires_at) ORDER BY key_id LIMIT " + EXPIRING_BATCH;
  private static final String MARK_EXPIRING = "INSERT INTO key_expiring (key_id, expires_at, customer_id, event_id,"
      + " sent_at) VALUES (:keyId, :expiresAt, :customerId, :event, :at) ON CONFLICT (key_id, expires_at) DO NOTHING";

  @Override
  public int writeExpiringKeys(Instant now, java.time.Duration ahead) {
    return guard.inTransaction(h -> guard.translating(() -> {
      int written = 0;
      for (CustomerKey key : h.createQuery(EXPIRING).bind("now", now.toEpochMilli())
          .bind("horizon", now.plus(ahead).toEpochMilli()).map(KeyRows.MAPPER).list()) {
        WebhookEvent event = RegistryEvents.keyExpiring(key, now);
        int marked = h.createUpdate(MARK_EXPIRING).bind("keyId", key.id())
            .bind("expiresAt", key.expiresAt().orElseThrow().toEpochMilli()).bind("customerId", key.customerId())
            .bind("event", event.id()).bind("at", now.toEpochMilli()).execute();
        if (marked > 0) { // another node may have marked it since the query
          OutboxRows.write(h, event);
          written++;
        }
      }
      return written;
    }));
  }

  @Override
  public int prune(Instant before) {
    return guard.inTransaction(h -> guard.translating(() -> {
      int rows = h.createUpdate("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < :before")
          .bind("before", before.toEpochMilli()).execute();
      deleteOrphanEvents(h);
      return rows;
    }));
  }

  @Override
  public List<Delivery> deliveries(String endpointId, int limit) {
    return guard.withHandle(h -> h.createQuery(DELIVERY + " WHERE d.endpoint_id = :id"
            + " ORDER BY d.created_at DESC, d.delivery_id DESC LIMIT :limit")
        .bind("id", endpointId).bind("limit", limit).map(DELIVERIES).list());
  }

  private static Optional<Delivery> deliveryIn(Handle h, String endpointId, String deliveryId) {
    return h.createQuery(DELIVERY + " WHERE d.endpoint_id = :endpoint AND d.delivery_id = :id")
        .bind("endpoint", endpointId).bind("id", deliveryId).map(DELIVERIES).findOne();
  }

  @Override
  public Optional<Delivery> retry(String endpointId, String deliveryId, Instant now) {
    return guard.inTransaction(h -> guard.translating(() -> {
      int rows = h.createUpdate("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = :now,"
              + " deadline_at = :deadline WHERE endpoint_id = :endpoint AND delivery_id = :id")
          .bind("now", now.toEpochMilli()).bind("deadline", now.plus(OutboxRows.RETRY_FOR).toEpochMilli())
          .bind("endpoint", endpointId).bind("id", deliveryId).execute();
      return rows == 0 ? Optional.<Delivery>empty() : deliveryIn(h, endpointId, deliveryId);
    }));
  }

  @Override
  public Optional<Delivery> sendTest(String endpointId, Instant now) {
    return guard.inTransaction(h -> guard.translating(() -> {
      if (findIn(h, endpointId).isEmpty()) {
        return Optional.<Delivery>empty();
      }
      WebhookEvent event = WebhookEvent.of(EventType.WEBHOOK_TEST, now, Map.of("endpoint_id", endpointId));
      OutboxRows.writeFor(h, event, List.of(endpointId));
      return h.createQuery(DELIVERY + " WHERE d.event_id = :event").bind("event", event.id()).map(DELIVERIES)
          .findOne();
    }));
  }

  @Override
  public List<Claimed> claimDue(String node, Instant now, Instant until, int limit) {
    String token = UUID.randomUUID().toString();
    long at = now.toEpochMilli();
    return guard.inTransaction(h -> guard.translating(() -> {
      // the outer conditions are checked again on the row a concurrent claim may have changed meanwhile
      h.createUpdate("UPDATE webhook_deliveries SET claimed_by = :node, claim_token = :token,"
              + " claimed_until = :until WHERE delivery_id IN (SELECT d.delivery_id FROM webhook_deliveries d"
              + " JOIN webhook_endpoints w ON w.endpoint_id = d.endpoint_id WHERE d.status = 'pending'"
              + " AND d.next_attempt_at <= :now AND d.claimed_until < :now AND w.enabled = :on"
              + " ORDER BY d.next_attempt_at LIMIT :limit)"
              + " AND status = 'pending' AND claimed_until < :now")
          .bind("node", node).bind("token", token).bind("until", until.toEpochMilli()).bind("now", at)
          .bind("on", 1).bind("limit", limit).execute();
      return h.createQuery("SELECT d.delivery_id, d.event_id, d.endpoint_id, w.url, w.secret, e.payload,"
              + " d.attempts, d.created_at, d.deadline_at, w.failing_since FROM webhook_deliveries d"
              + " JOIN webhook_endpoints w ON w.endpoint_id = d.endpoint_id"
              + " JOIN webhook_events e ON e.event_id = d.event_id WHERE d.claim_token = :token")
          .bind("token", token)
          .map((rs, ctx) -> new Claimed(rs.getString("delivery_id"), rs.getString("event_id"),
              rs.getString("endpoint_id"), rs.getString("url"), rs.getString("secret"), rs.getString("payload"),
              rs.getInt("attempts"), Columns.instant(rs, "created_at"), Columns.instant(rs, "deadline_at"),
              Columns.optionalInstant(rs, "failing_since"), token))
          .list();
    }));
  }

  @Override
  public void delivered(Claimed claim, int status, Instant now) {
    guard.inTransaction(h -> guard.translating(() -> {
      int rows = h.createUpdate("UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1,"
              + " last_attempt_at = :now, last_status = :status, last_error = NULL, claimed_until = 0"
              + " WHERE delivery_id = :id AND claim_token = :token")
          .bind("now", now.toEpochMilli()).bind("status", status).bind("id", claim.deliveryId())
          .bind("token", claim.token()).execute();
      if (rows > 0) {
        h.createUpdate("UPDATE webhook_endpoints SET failing_since = NULL WHERE endpoint_id = :id")
            .bind("id", claim.endpointId()).execute();
      }
      return null;
    }));
  }

  @Override
  public void attemptFailed(Claimed claim, Optional<Integer> status, String error, Instant now,
      Optional<Instant> retryAt, Optional<String> disable) {
    guard.inTransaction(h -> guard.translating(() -> {
      int rows = h.createUpdate("UPDATE webhook_deliveries SET status = :state, attempts = attempts + 1,"
              + " last_attempt_at = :now, last_status = :status, last_error = :error, next_attempt_at = :next,"
              + " claimed_until = 0 WHERE delivery_id = :id AND claim_token = :token")
          .bind("state", retryAt.isPresent() ? "pending" : "failed").bind("now", now.toEpochMilli())
          .bind("status", status.orElse(null)).bind("error", truncate(error))
          .bind("next", retryAt.orElse(now).toEpochMilli()).bind("id", claim.deliveryId())
          .bind("token", claim.token()).execute();
      if (rows == 0) {
        return null;
      }
      h.createUpdate("UPDATE webhook_endpoints SET failing_since = :now WHERE endpoint_id = :id"
          + " AND failing_since IS NULL").bind("now", now.toEpochMilli()).bind("id", claim.endpointId()).execute();
      if (disable.isPresent()) {
        int off = h.createUpdate("UPDATE webhook_endpoints SET enabled = :off, disabled_reason = :reason"
                + " WHERE endpoint_id = :id AND enabled = :on")
            .bind("off", 0).bind("on", 1).bind("reason", disable.get()).bind("id", claim.endpointId())
            .execute();
        if (off > 0) {
          audit(h, now, Actor.SYSTEM, "webhook.disable", Map.of("endpoint_id",
              new FieldChange(null, claim.endpointId()), "enabled", new FieldChange(true, false),
              "disabled_reason", new FieldChange(null, disable.get())));
        }
      }
      return null;
    }));
  }

  /** At most {@link #MAX_ERROR_BYTES} bytes of UTF-8, cut at a character boundary. */
  static String truncate(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_ERROR_BYTES) {
      return text;
    }
    int end = MAX_ERROR_BYTES;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
