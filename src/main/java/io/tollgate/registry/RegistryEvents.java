package io.tollgate.registry;

import io.tollgate.webhooks.EventType;
import io.tollgate.webhooks.WebhookEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The webhook events of registry changes, with their data (docs/webhooks.md); never a key's secret or digest. */
public final class RegistryEvents {
  private RegistryEvents() {}

  /** {@code key.expiring}: the key's data as {@code key.created} has it. */
  public static WebhookEvent keyExpiring(CustomerKey key, Instant at) {
    return WebhookEvent.of(EventType.KEY_EXPIRING, at, key(key));
  }

  static WebhookEvent keyCreated(CustomerKey key, Instant at) {
    return WebhookEvent.of(EventType.KEY_CREATED, at, key(key));
  }

  static WebhookEvent keyRevoked(CustomerKey key, Instant at) {
    return WebhookEvent.of(EventType.KEY_REVOKED, at, key(key));
  }

  static WebhookEvent customerCreated(Customer c, Instant at) {
    return WebhookEvent.of(EventType.CUSTOMER_CREATED, at, customer(c));
  }

  /** The events of a customer's change from {@code before} to {@code after}: tier changed, suspended, deactivated. */
  static java.util.List<WebhookEvent> changed(Customer before, Customer after, Instant at) {
    java.util.List<WebhookEvent> events = new java.util.ArrayList<>();
    if (!before.tier().equals(after.tier())) {
      Map<String, Object> data = customer(after);
      data.put("previous_tier", before.tier());
      events.add(WebhookEvent.of(EventType.CUSTOMER_TIER_CHANGED, at, data));
    }
    if (before.status() != after.status() && after.status() == CustomerStatus.SUSPENDED) {
      events.add(WebhookEvent.of(EventType.CUSTOMER_SUSPENDED, at, customer(after)));
    }
    if (before.status() != after.status() && after.status() == CustomerStatus.DEACTIVATED) {
      events.add(WebhookEvent.of(EventType.CUSTOMER_DEACTIVATED, at, customer(after)));
    }
    return events;
  }

  private static Map<String, Object> customer(Customer c) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("customer_id", c.id());
    data.put("tier", c.tier());
    data.put("status", c.status().wireName());
    return data;
  }

  private static Map<String, Object> key(CustomerKey k) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("customer_id", k.customerId());
    data.put("key_id", k.id());
    data.put("name", k.name().orElse(null));
    data.put("environment", k.environment().wireName());
    data.put("prefix", k.displayPrefix());
    data.put("created_at", k.createdAt().toString());
    data.put("revoked_at", k.revokedAt().map(Instant::toString).orElse(null));
    data.put("expires_at", k.expiresAt().map(Instant::toString).orElse(null));
    k.replaces().ifPresent(r -> data.put("replaces", r));
    return data;
  }
}
