package io.tollgate.gate;

import io.tollgate.limits.Units;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Reads the cost an engine reports in {@code X-Tollgate-Units}: the {@link RequestUnits} rule, so a decimal from 0
 * to {@code gate.max_units_per_request} with three decimals at most.
 */
final class EngineUnits {
  static final String HEADER = "X-Tollgate-Units";

  private EngineUnits() {}

  /**
   * What an answered request costs: the reported units, or {@code routeUnits} when the header is absent or invalid;
   * an invalid one (malformed, negative, over {@code max}) is noted on {@code trace} and so counted in the metrics.
   */
  static Units cost(String value, Units routeUnits, Units max, RequestTrace trace) {
    if (value == null) {
      return routeUnits;
    }
    Optional<Units> reported = parse(value, max);
    if (reported.isEmpty()) {
      trace.engineUnitsRejected();
    }
    return reported.orElse(routeUnits);
  }

  /** The reported units, or empty when the header is absent or invalid (the route's units are billed then). */
  static Optional<Units> parse(String value, Units max) {
    if (value == null || value.isBlank() || value.length() > 32) {
      return Optional.empty();
    }
    try {
      return RequestUnits.parse(new BigDecimal(value.trim()), max);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
