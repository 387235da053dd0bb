package io.tollgate.registry;

import io.tollgate.limits.Limits;
import io.tollgate.limits.Quota;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimit;
import io.tollgate.limits.Units;
import java.util.List;
import java.util.Optional;

/**
 * Per-customer changes to the tier's limits; every part is optional and an empty part keeps the tier's value.
 * When {@code requests} is overridden and {@code burst} is not, the burst follows the new {@code requests}.
 * {@code usageThresholds} replaces the tier's (or the configured) {@code usage.threshold} percents, ascending; an
 * empty list means none.
 */
public record LimitOverrides(
    Optional<Units> quotaUnits,
    Optional<QuotaPeriod> quotaPeriod,
    Optional<Long> requests,
    Optional<Long> windowSeconds,
    Optional<Long> burst,
    Optional<List<Integer>> usageThresholds) {

  public static final LimitOverrides NONE = new LimitOverrides(Optional.empty(), Optional.empty(), Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty());

  /** Overrides of the quota and rate limit only. */
  public LimitOverrides(Optional<Units> quotaUnits, Optional<QuotaPeriod> quotaPeriod, Optional<Long> requests,
      Optional<Long> windowSeconds, Optional<Long> burst) {
    this(quotaUnits, quotaPeriod, requests, windowSeconds, burst, Optional.empty());
  }

  public LimitOverrides {
    usageThresholds = usageThresholds.map(List::copyOf);
  }

  public boolean isEmpty() {
    return this.equals(NONE);
  }

  /** The tier's limits with these overrides applied ({@code tier} itself when there are none). */
  public Limits applyTo(Limits tier) {
    if (isEmpty()) {
      return tier;
    }
    Quota quota = new Quota(quotaUnits.orElse(tier.quota().units()), quotaPeriod.orElse(tier.quota().period()));
    RateLimit base = tier.rateLimit();
    long req = requests.orElse(base.requests());
    long burstValue = burst.orElse(requests.isPresent() ? req : base.burst());
    return new Limits(quota, new RateLimit(req, windowSeconds.orElse(base.windowSeconds()), burstValue));
  }
}
