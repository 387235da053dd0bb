package io.tollgate.gate;

import io.tollgate.limits.Units;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * The rule for units that enter the gate from outside, in a verify body or an engine's {@code X-Tollgate-Units}: a
 * finite decimal from 0 to {@code gate.max_units_per_request}, with at most three decimals. Bounding them here keeps
 * every sum the quota ledger makes far from overflow.
 */
final class RequestUnits {
  private RequestUnits() {}

  /** The units {@code value} stands for, or empty when it breaks the rule. */
  static Optional<Units> parse(BigDecimal value, Units max) {
    // compared first, so that no huge or tiny exponent is ever expanded
    if (value.signum() < 0 || value.compareTo(max.toDecimal()) > 0) {
      return Optional.empty();
    }
    return Units.parse(value);
  }

  /** The rule, as a problem's detail. */
  static String rule(Units max) {
    return "units must be a number from 0 to " + max.toDecimal().toPlainString() + " with at most three decimals";
  }
}
