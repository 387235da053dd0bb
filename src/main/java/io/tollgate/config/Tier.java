package io.tollgate.config;

import io.tollgate.limits.Limits;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One plan of the tier catalog.
 *
 * @param name the id customers refer to, e.g. {@code starter}
 * @param displayName for people
 * @param price what the plan costs per {@code price.period}
 * @param limits quota and rate limit
 * @param sla availability promise in percent, e.g. {@code 99.9}
 * @param usageThresholds the percents of the quota at which {@code usage.threshold} is sent for its customers,
 *     ascending; empty to use {@code webhooks.usage_thresholds}
 */
public record Tier(String name, String displayName, Price price, Limits limits, BigDecimal sla,
    Optional<List<Integer>> usageThresholds) {
  /** A tier that takes {@code webhooks.usage_thresholds}. */
  public Tier(String name, String displayName, Price price, Limits limits, BigDecimal sla) {
    this(name, displayName, price, limits, sla, Optional.empty());
  }

  public Tier {
    usageThresholds = usageThresholds.map(List::copyOf);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(price, "price");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(sla, "sla");
  }

  /**
   * @param amount the price, in {@code currency}
   * @param currency ISO 4217 code
   * @param period {@code month} or {@code year}
   */
  public record Price(BigDecimal amount, String currency, String period) {}
}
