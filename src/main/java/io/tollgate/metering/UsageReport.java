package io.tollgate.metering;

import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.Quota;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * One customer's usage over one period, with its quota.
 *
 * @param customerId the customer
 * @param period the period reported
 * @param totals what was used and refused
 * @param quota the customer's effective quota
 * @param slaTarget the customer's tier's {@code sla}, in percent
 */
public record UsageReport(String customerId, BillingPeriod period, UsageTotals totals, Quota quota,
    BigDecimal slaTarget) {

  /** SLA attainment over the period, by {@link SlaRule}. */
  public SlaAttainment sla() {
    return SlaAttainment.of(slaTarget, totals.requests(), totals.refusals());
  }

  /**
   * The share of the quota used, to four decimals; empty when the period's length (month or year) differs from
   * the quota's, because the quota does not apply to it.
   */
  public Optional<BigDecimal> utilization() {
    if (period.length() != quota.period()) {
      return Optional.empty();
    }
    if (quota.units().milli() == 0) {
      return Optional.of(totals.units().milli() == 0 ? BigDecimal.ZERO : BigDecimal.ONE);
    }
    return Optional.of(BigDecimal.valueOf(totals.units().milli())
        .divide(BigDecimal.valueOf(quota.units().milli()), 4, RoundingMode.HALF_UP).stripTrailingZeros());
  }
}
