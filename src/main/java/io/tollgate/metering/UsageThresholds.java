package io.tollgate.metering;

import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.Units;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Which usage thresholds a customer has: asked by {@link UsageStore#apply} for each customer of a batch, inside
 * the batch's transaction, which writes one {@code usage.threshold} event per customer, period and threshold the
 * period's stored usage reaches. Must not block (it is read from the in-memory registry).
 */
@FunctionalInterface
public interface UsageThresholds {
  /** No customer is watched. */
  UsageThresholds NONE = (customerId, day) -> Optional.empty();

  /** The watch of the customer for the period containing {@code day}; empty when it is not watched. */
  Optional<Watch> watch(String customerId, LocalDate day);

  /**
   * The thresholds come from the customer's own override, else its tier's, else {@code webhooks.usage_thresholds}.
   *
   * @param tier the customer's tier, for the event's data
   * @param quota the period's quota, above zero
   * @param period the billing period
   * @param percents the thresholds, in percent of the quota, ascending
   * @param customerCreatedAt when this customer was created: a customer purged and created again under the same
   *     id is another customer, whose thresholds are not the purged one's
   */
  record Watch(String tier, Units quota, BillingPeriod period, List<Integer> percents,
      java.time.Instant customerCreatedAt) {
    public Watch {
      percents = List.copyOf(percents);
    }
  }
}
