package io.tollgate.webhooks;

import java.util.Arrays;
import java.util.Optional;

/** The events an endpoint can subscribe to (docs/webhooks.md lists each one's data). */
public enum EventType {
  USAGE_THRESHOLD("usage.threshold"),
  SLA_AT_RISK("sla.at_risk"),
  RATE_LIMIT_SUSTAINED("rate_limit.sustained"),
  KEY_CREATED("key.created"),
  KEY_REVOKED("key.revoked"),
  KEY_EXPIRING("key.expiring"),
  CUSTOMER_CREATED("customer.created"),
  CUSTOMER_TIER_CHANGED("customer.tier_changed"),
  CUSTOMER_SUSPENDED("customer.suspended"),
  CUSTOMER_DEACTIVATED("customer.deactivated"),
  /** Sent only by {@code POST /admin/webhooks/{id}/test}, to that endpoint, whatever it subscribes to. */
  WEBHOOK_TEST("webhook.test");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<EventType> fromWire(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }
}
