package io.tollgate.metering;

import io.tollgate.limits.BillingPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Which SLA a customer is measured against: asked by {@link UsageStore#apply} for each customer of a batch, inside
 * the batch's transaction, which writes the {@code sla.at_risk} events ({@link SlaAtRisk}) the period's stored
 * counts reach. Must not block (it is read from the in-memory registry).
 */
@FunctionalInterface
public interface SlaTargets {
  /** No customer is watched. */
  SlaTargets NONE = (customerId, day) -> Optional.empty();

  /** The SLA of the customer for the period containing {@code day}; empty when it is not watched. */
  Optional<Target> target(String customerId, LocalDate day);

  /**
   * @param tier the customer's tier, for the event's data
   * @param target the tier's {@code sla}, in percent
   * @param period the customer's quota period, the period of its usage document's {@code sla}
   * @param customerCreatedAt when this customer was created (a customer purged and created again under the same
   *     id is another customer)
   */
  record Target(String tier, BigDecimal target, BillingPeriod period, Instant customerCreatedAt) {}
}
