package io.tollgate.registry;

import io.tollgate.config.TierCatalog;
import io.tollgate.limits.Limits;

/** The limits in force for a customer: its tier's, with its overrides applied. */
public final class EffectiveLimits {
  private EffectiveLimits() {}

  /**
   * @throws IllegalArgumentException when the customer's tier is not in the catalog
   */
  public static Limits of(Customer customer, TierCatalog tiers) {
    Limits tier = tiers.find(customer.tier())
        .orElseThrow(() -> new IllegalArgumentException(
            "customer " + customer.id() + " is on tier " + customer.tier() + ", which the catalog does not have"))
        .limits();
    return customer.overrides().applyTo(tier);
  }
}
