package io.tollgate.webhooks;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event for the outbox: its {@code id} is the {@code webhook-id} of every delivery of it, {@code data} the
 * {@code data} object of the body (values: strings, numbers, booleans, lists, maps; never a secret).
 *
 * @param id unique event id, {@code evt_…}
 * @param type one of {@link EventType}'s wire names
 * @param at when the change that caused it was made
 * @param data what the event is about
 */
public record WebhookEvent(String id, String type, Instant at, Map<String, Object> data) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public WebhookEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** A new event with a fresh random id. */
  public static WebhookEvent of(EventType type, Instant at, Map<String, Object> data) {
    return new WebhookEvent(newId(), type.wireName(), at, data);
  }

  /** {@code evt_} and 128 random bits, URL-safe base64. */
  public static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "evt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
