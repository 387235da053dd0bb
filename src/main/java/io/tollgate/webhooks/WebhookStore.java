package io.tollgate.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable webhook endpoints, the outbox and its deliveries. Every change of an endpoint is written with its audit
 * entry in one transaction. Synchronous and blocking (call it off the event loop); thread-safe.
 */
public interface WebhookStore {

  /** A new endpoint: it and its audit entry; the answer holds its secret, the only time it is returned. */
  Created create(NewEndpoint endpoint, String actor, Instant now);

  /** Every endpoint, oldest first. */
  List<Endpoint> list();

  Optional<Endpoint> find(String id);

  /** Applies the patch; re-enabling clears the disabled reason and the failure streak. Empty when unknown. */
  Optional<Endpoint> update(String id, EndpointPatch patch, String actor, Instant now);

  /** Deletes the endpoint and its deliveries; false when unknown. */
  boolean delete(String id, String actor, Instant now);

  /** The endpoint's deliveries, newest first, at most {@code limit}. */
  List<Delivery> deliveries(String endpointId, int limit);

  /** Makes a delivery of this endpoint pending again, due now, with a new 24 h deadline; empty when unknown. */
  Optional<Delivery> retry(String endpointId, String deliveryId, Instant now);

  /** Writes a {@code webhook.test} event for this endpoint only; empty when the endpoint is unknown. */
  Optional<Delivery> sendTest(String endpointId, Instant now);

  /**
   * Claims up to {@code limit} pending deliveries due at {@code now} of enabled endpoints that no node holds (or
   * whose claim ran out), for {@code node} until {@code until}: two nodes never hold the same delivery at once.
   */
  List<Claimed> claimDue(String node, Instant now, Instant until, int limit);

  /** Records a delivered attempt (only while the claim is still this one's); ends the endpoint's failure streak. */
  void delivered(Claimed claim, int status, Instant now);

  /**
   * Records a failed attempt: pending again at {@code retryAt}, or failed when empty. When {@code disable} is
   * present the endpoint is disabled with that reason and an audit entry.
   */
  void attemptFailed(Claimed claim, Optional<Integer> status, String error, Instant now, Optional<Instant> retryAt,
      Optional<String> disable);

  /**
   * Writes a {@code key.expiring} event for each key whose expiry is after {@code now} and at most {@code ahead}
   * later, and that was not announced for that expiry yet: once per key and expiry, whichever node asks (a mark per
   * key and expiry is written with the event in one transaction). Keys revoked before they expire and keys of
   * deactivated customers are left out. Returns how many events were written.
   */
  int writeExpiringKeys(Instant now, java.time.Duration ahead);

  /**
   * Deletes the delivered and failed deliveries of events written before {@code before}, and the events no
   * delivery refers to any more; returns how many deliveries. Pending ones are kept, however old.
   */
  int prune(Instant before);

  /**
   * The parts of a new endpoint.
   *
   * @param url where events go
   * @param events event types, at least one
   * @param description free text
   */
  record NewEndpoint(String url, List<String> events, Optional<String> description) {
    public NewEndpoint {
      events = List.copyOf(events);
    }
  }

  /** The fields of a PATCH; empty ones are left as they are ({@code description} present-empty clears it). */
  record EndpointPatch(Optional<String> url, Optional<List<String>> events, Optional<Optional<String>> description,
      Optional<Boolean> enabled) {}

  /**
   * @param endpoint the new endpoint
   * @param secret its signing secret, {@code whsec_…}
   */
  record Created(Endpoint endpoint, String secret) {}

  /**
   * A delivery claimed by a node, with what sending it needs.
   *
   * @param token the claim: later writes of this attempt apply only while it still holds
   * @param endpointFailingSince the start of the endpoint's failure streak, when it has one
   */
  record Claimed(String deliveryId, String eventId, String endpointId, String url, String secret, String payload,
      int attempts, Instant createdAt, Instant deadlineAt, Optional<Instant> endpointFailingSince, String token) {}
}
