package io.tollgate.admin.compat;

import io.tollgate.admin.Problem;
import io.tollgate.registry.Actor;
import io.tollgate.registry.CustomerKey;
import io.tollgate.registry.Failure;
import io.tollgate.registry.KeyIssuer;
import io.tollgate.registry.KeyService;
import io.tollgate.registry.KeyStatus;
import io.tollgate.registry.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * Seed 003 rotates "the" key of a tenant; Tollgate's customers may have several. Without a {@code key_id} the
 * tenant's only active key is rotated; with none or several active it is a 409 that names them, never a guess.
 * The rotation itself is {@link KeyService#rotate} with no grace period. Blocking; thread-safe.
 */
final class KeyRotation {
  private final KeyService keys;
  private final InstantSource clock;

  /** What a rotation did. */
  sealed interface Result {
    /** The new key, with its secret; its {@code replaces} names the old one, revoked now. */
    record Rotated(KeyIssuer.Issued issued) implements Result {}

    /** Nothing changed. */
    record Refused(Problem problem) implements Result {}
  }

  KeyRotation(KeyService keys, InstantSource clock) {
    this.keys = keys;
    this.clock = clock;
  }

  Result rotate(Actor actor, String tenantId, Optional<String> keyId) {
    Optional<String> chosen = keyId;
    if (chosen.isEmpty()) {
      Optional<List<CustomerKey>> all = keys.list(tenantId);
      if (all.isEmpty()) {
        return new Result.Refused(Problem.of(Failure.CUSTOMER_NOT_FOUND, "no customer with id " + tenantId));
      }
      Instant now = clock.instant();
      List<String> active = all.get().stream().filter(k -> k.statusAt(now) == KeyStatus.ACTIVE)
          .map(CustomerKey::id).toList();
      if (active.isEmpty()) {
        return new Result.Refused(Problem.of(409, "no_active_key", "No active key",
            "tenant " + tenantId + " has no active key to rotate; create one with POST /admin/customers/"
                + tenantId + "/keys"));
      }
      if (active.size() > 1) {
        return new Result.Refused(Problem.of(409, "ambiguous_key", "Several active keys",
            "tenant " + tenantId + " has " + active.size() + " active keys (" + String.join(", ", active)
                + "); name the one to rotate in key_id"));
      }
      chosen = Optional.of(active.get(0));
    }
    return switch (keys.rotate(actor, tenantId, chosen.get(), Duration.ZERO)) {
      case Outcome.Done<KeyIssuer.Issued> done -> new Result.Rotated(done.value());
      case Outcome.Refused<KeyIssuer.Issued> refused ->
          new Result.Refused(Problem.of(refused.failure(), refused.detail()));
    };
  }
}
