package io.tollgate.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One admin change, as recorded in the same transaction as the change. Never holds a secret.
 *
 * @param id increasing sequence number, assigned by the store (0 before it is stored)
 * @param at time of the change
 * @param actor the admin key id that made it and the API it came through ({@code via}), or {@link Actor#SYSTEM} for
 *     what Tollgate did on its own (the retention purge, the admin key generated at the first start)
 * @param action e.g. {@code customer.create}, {@code key.revoke}
 * @param customerId the customer it concerns; {@value #NO_CUSTOMER} for an entry about the whole registry (a reload,
 *     an admin key)
 * @param keyId the key it concerns, if one
 * @param changes for each changed field, its value before and after
 */
public record AuditEntry(
    long id,
    Instant at,
    Actor actor,
    String action,
    String customerId,
    Optional<String> keyId,
    Map<String, FieldChange> changes) {
  /** The actor of what Tollgate did on its own. */
  public static final String SYSTEM = "system";
  /** The {@code customerId} of an entry about the whole registry rather than one customer. */
  public static final String NO_CUSTOMER = "";

  public AuditEntry {
    changes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(changes));
  }

  /** A field's value before and after a change; JSON-compatible values, {@code null} for absent. */
  public record FieldChange(Object before, Object after) {}
}
