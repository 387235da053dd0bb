package io.tollgate.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * SLA attainment of one customer over a period or a day, by {@link SlaRule}.
 *
 * @param target the tier's {@code sla}, in percent (e.g. {@code 99.9})
 * @param eligibleRequests billed requests plus failed ones
 * @param failedRequests requests that failed for reasons not the customer's
 */
public record SlaAttainment(BigDecimal target, long eligibleRequests, long failedRequests) {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final int SCALE = 4;

  public SlaAttainment {
    if (failedRequests < 0 || eligibleRequests < failedRequests) {
      throw new IllegalArgumentException("failed requests must be between 0 and the eligible requests");
    }
  }

  /** Attainment from billed requests and refusals by code. */
  public static SlaAttainment of(BigDecimal target, long billedRequests, java.util.Map<String, Long> refusals) {
    long failed = SlaRule.failures(refusals);
    return new SlaAttainment(target, Math.addExact(Math.max(0, billedRequests), failed), failed);
  }

  /**
   * The share of eligible requests that did not fail, in percent, rounded down to four decimals (so a rounded
   * figure never reads as met when it is not); 100 when nothing was eligible.
   */
  public BigDecimal attained() {
    if (eligibleRequests == 0) {
      return HUNDRED;
    }
    return plain(BigDecimal.valueOf(eligibleRequests - failedRequests).multiply(HUNDRED)
        .divide(BigDecimal.valueOf(eligibleRequests), SCALE, RoundingMode.DOWN));
  }

  /** Whether the exact attainment is at or above the target. */
  public boolean met() {
    return BigDecimal.valueOf(eligibleRequests - failedRequests).multiply(HUNDRED)
        .compareTo(target.multiply(BigDecimal.valueOf(eligibleRequests))) >= 0;
  }

  /**
   * The share of the error budget ({@code eligible × (100 − target) / 100} failed requests) not spent yet, to four
   * decimals (rounded down): 1 when nothing failed, 0 when exactly spent, negative when overspent (−1: twice
   * over). A zero budget (nothing eligible, or a target of 100) is 1 without failures and 0 with.
   */
  public BigDecimal errorBudgetRemaining() {
    BigDecimal budget = HUNDRED.subtract(target).multiply(BigDecimal.valueOf(eligibleRequests));
    if (budget.signum() == 0) {
      return failedRequests == 0 ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    BigDecimal spent = BigDecimal.valueOf(failedRequests).multiply(HUNDRED);
    return plain(BigDecimal.ONE.subtract(spent.divide(budget, SCALE, RoundingMode.UP)));
  }

  /** Without trailing zeros, and never in exponent form ({@code 100}, not {@code 1E+2}). */
  private static BigDecimal plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }
}
