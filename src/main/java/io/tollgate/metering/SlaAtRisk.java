package io.tollgate.metering;

import java.math.BigDecimal;
import java.util.List;

/**
 * When a customer's SLA is at risk in a period: its error budget, {@code (100 − target) % of the eligible
 * requests so far}, is half spent ({@link Level#HALF}) or spent ({@link Level#EXHAUSTED}: the failed requests
 * reach the budget). Neither is reached before {@link #MIN_ELIGIBLE} eligible requests in the period, so that the
 * first failed request of a period with one eligible request does not read as a spent budget; the levels are
 * judged again with every later batch, so a level reached under the minimum is sent once the minimum is met (if it
 * still holds). A level needs at least one failed request. See docs/decisions.md.
 */
public final class SlaAtRisk {
  /** The eligible requests of a period below which no level is reached. */
  public static final long MIN_ELIGIBLE = 100;

  private SlaAtRisk() {}

  /** A share of the error budget spent. */
  public enum Level {
    HALF("half", 2), EXHAUSTED("exhausted", 1);

    private final String wireName;
    /** The level is reached when {@code failed × 100 × factor ≥ (100 − target) × eligible}. */
    private final int factor;

    Level(String wireName, int factor) {
      this.wireName = wireName;
      this.factor = factor;
    }

    public String wireName() {
      return wireName;
    }
  }

  /** The levels {@code sla} reaches, half first; exact (no rounding). */
  public static List<Level> reached(SlaAttainment sla) {
    if (sla.eligibleRequests() < MIN_ELIGIBLE || sla.failedRequests() == 0) {
      return List.of();
    }
    BigDecimal budget = BigDecimal.valueOf(100).subtract(sla.target())
        .multiply(BigDecimal.valueOf(sla.eligibleRequests()));
    return java.util.Arrays.stream(Level.values())
        .filter(l -> BigDecimal.valueOf(sla.failedRequests()).multiply(BigDecimal.valueOf(100L * l.factor))
            .compareTo(budget) >= 0)
        .toList();
  }
}
