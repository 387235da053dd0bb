package io.tollgate.limits;

import java.util.Objects;

/**
 * The limits a customer's requests are held to: the effective values after tier and overrides.
 *
 * @param quota units per period
 * @param rateLimit requests per window with burst
 */
public record Limits(Quota quota, RateLimit rateLimit) {
  public Limits {
    Objects.requireNonNull(quota, "quota");
    Objects.requireNonNull(rateLimit, "rateLimit");
  }
}
