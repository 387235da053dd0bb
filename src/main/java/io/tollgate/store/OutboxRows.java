package io.tollgate.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.webhooks.EventType;
import io.tollgate.webhooks.WebhookEvent;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Writes webhook events into the outbox on the handle of the transaction whose change causes them: the event, and
 * one pending delivery per enabled endpoint subscribed to its type at that moment. An event no endpoint receives
 * is not kept.
 */
final class OutboxRows {
  /** How long a delivery is retried before it is marked failed. */
  static final Duration RETRY_FOR = Duration.ofHours(24);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private OutboxRows() {}

  /** Writes {@code event} for every enabled endpoint receiving its type; returns how many deliveries. */
  static int write(Handle h, WebhookEvent event) {
    List<String> endpoints = h.createQuery("SELECT endpoint_id, events FROM webhook_endpoints WHERE enabled = :on")
        .bind("on", 1)
        .map((rs, ctx) -> events(rs.getString("events")).contains(event.type()) ? rs.getString("endpoint_id") : null)
        .list().stream().filter(java.util.Objects::nonNull).toList();
    return writeFor(h, event, endpoints);
  }

  /** Writes {@code event} for exactly these endpoints (a test event goes to one, whatever it subscribes to). */
  static int writeFor(Handle h, WebhookEvent event, List<String> endpointIds) {
    if (endpointIds.isEmpty()) {
      return 0;
    }
    long at = event.at().toEpochMilli();
    h.createUpdate("INSERT INTO webhook_events (event_id, type, payload, created_at)"
            + " VALUES (:id, :type, :payload, :at)")
        .bind("id", event.id()).bind("type", event.type()).bind("payload", body(event)).bind("at", at).execute();
    var batch = h.prepareBatch("INSERT INTO webhook_deliveries (delivery_id, event_id, endpoint_id, status, attempts,"
        + " created_at, next_attempt_at, deadline_at, claimed_until) VALUES (:id, :event, :endpoint, 'pending', 0,"
        + " :at, :at, :deadline, 0)");
    for (String endpoint : endpointIds) {
      batch.bind("id", newDeliveryId()).bind("event", event.id()).bind("endpoint", endpoint).bind("at", at)
          .bind("deadline", at + RETRY_FOR.toMillis()).add();
    }
    batch.execute();
    return endpointIds.size();
  }

  static boolean isTest(WebhookEvent event) {
    return event.type().equals(EventType.WEBHOOK_TEST.wireName());
  }

  /**
   * The body POSTed, as Standard Webhooks lays it out: {@code type}, {@code timestamp}, {@code data}. Written
   * straight from the values, not through a JSON tree, whose decimals lose their trailing zeros ({@code 10} would
   * read {@code 1E+1}).
   */
  static String body(WebhookEvent event) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", event.type());
    body.put("timestamp", event.at().toString());
    body.put("data", new LinkedHashMap<>(event.data()));
    try {
      return MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an event's data is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  static List<String> events(String column) {
    try {
      return MAPPER.readValue(column, STRINGS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("webhook_endpoints.events is not a JSON list", e);
    }
  }

  static String eventsColumn(List<String> events) {
    try {
      return MAPPER.writeValueAsString(events);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String newDeliveryId() {
    return "whd_" + random();
  }

  static String newEndpointId() {
    return "whe_" + random();
  }

  static String random() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Used by the threshold rows: the data of a usage.threshold event. */
  static Map<String, Object> map(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }
}
