package io.tollgate.limits;

import java.time.Instant;
import java.util.Objects;

/**
 * Whose counters a rate limit or quota counts: one creation of a customer. A customer that is purged and created
 * again with the same id is another account, with fresh counters, so it inherits nothing of the old one.
 *
 * @param customerId the customer's id
 * @param createdAt when this customer was created (it never changes while the customer exists)
 */
public record Account(String customerId, Instant createdAt) {
  public Account {
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
