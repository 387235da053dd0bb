package io.tollgate.registry;

import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyEnvironment;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One API key of a customer, as stored: never the secret, only its digest.
 *
 * @param id public id {@code key_…}
 * @param customerId the owner
 * @param name the operator's label, may be empty
 * @param environment live or test
 * @param displayPrefix first characters of the key, for display
 * @param digest keyed hash of the key
 * @param namespaces a subset of the customer's namespaces this key is limited to; empty means all of them
 * @param createdAt creation time
 * @param revokedAt when it stops (or stopped) working by revocation; may be in the future during a rotation grace
 * @param expiresAt when it expires, if ever
 * @param lastUsedAt last request seen with it (filled by the gate)
 * @param replaces the key id this key replaced by rotation
 */
public record CustomerKey(
    String id,
    String customerId,
    Optional<String> name,
    KeyEnvironment environment,
    String displayPrefix,
    KeyDigest digest,
    List<String> namespaces,
    Instant createdAt,
    Optional<Instant> revokedAt,
    Optional<Instant> expiresAt,
    Optional<Instant> lastUsedAt,
    Optional<String> replaces) {

  public CustomerKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(digest, "digest");
    namespaces = Customer.sortedNames(namespaces);
  }

  /** The status at {@code now}: revoked wins over expired. */
  public KeyStatus statusAt(Instant now) {
    if (revokedAt.isPresent() && !revokedAt.get().isAfter(now)) {
      return KeyStatus.REVOKED;
    }
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
      return KeyStatus.EXPIRED;
    }
    return KeyStatus.ACTIVE;
  }

  public CustomerKey withRevokedAt(Instant at) {
    return new CustomerKey(id, customerId, name, environment, displayPrefix, digest, namespaces, createdAt,
        Optional.of(at), expiresAt, lastUsedAt, replaces);
  }
}
