package io.tollgate.webhooks;

import java.time.Instant;
import java.util.Optional;

/**
 * One event's delivery to one endpoint.
 *
 * @param id {@code whd_…}
 * @param eventId the {@code webhook-id}
 * @param endpointId the endpoint
 * @param type the event type
 * @param status pending, delivered or failed
 * @param attempts attempts made so far
 * @param createdAt when the event was written
 * @param nextAttemptAt when a pending delivery is tried next
 * @param lastAttemptAt when it was last tried
 * @param lastStatus the HTTP status of the last answer, when there was one
 * @param lastError what went wrong last (at most 1 KB: the answer's body or the failure)
 */
public record Delivery(String id, String eventId, String endpointId, String type, Status status, int attempts,
    Instant createdAt, Instant nextAttemptAt, Optional<Instant> lastAttemptAt, Optional<Integer> lastStatus,
    Optional<String> lastError) {

  /** Where a delivery is. */
  public enum Status {
    PENDING, DELIVERED, FAILED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Status fromWire(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }
}
