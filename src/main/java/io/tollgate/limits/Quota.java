package io.tollgate.limits;

import java.util.Objects;

/**
 * How many units a customer may use per period.
 *
 * @param units the allowance per period
 * @param period month or year, UTC
 */
public record Quota(Units units, QuotaPeriod period) {
  public Quota {
    Objects.requireNonNull(units, "units");
    Objects.requireNonNull(period, "period");
  }
}
