package io.tollgate.gate;

import io.tollgate.limits.Units;
import java.math.BigDecimal;
import java.util.Optional;

/** Reads the cost an engine reports in {@code X-Tollgate-Units}: a decimal from 0 to 1,000,000, three decimals at most. */
final class EngineUnits {
  static final String HEADER = "X-Tollgate-Units";
  private static final Units MAX = Units.of(1_000_000);

  private EngineUnits() {}

  /** The reported units, or empty when the header is absent or invalid (the route's units are billed then). */
  static Optional<Units> parse(String value) {
    if (value == null || value.isBlank() || value.length() > 32) {
      return Optional.empty();
    }
    try {
      return Units.parse(new BigDecimal(value.trim())).filter(u -> u.compareTo(MAX) <= 0);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
