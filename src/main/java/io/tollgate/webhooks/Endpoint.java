package io.tollgate.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A webhook endpoint as the Admin API shows it: never with its secret.
 *
 * @param id {@code whe_…}
 * @param url where events are POSTed
 * @param events the event types it receives
 * @param description free text
 * @param enabled whether deliveries are attempted
 * @param createdAt when it was created
 * @param disabledReason why Tollgate disabled it, when it did
 */
public record Endpoint(String id, String url, List<String> events, Optional<String> description, boolean enabled,
    Instant createdAt, Optional<String> disabledReason) {
  public Endpoint {
    events = List.copyOf(events);
  }

  public boolean receives(String type) {
    return events.contains(type);
  }
}
