package io.tollgate.metering;

import io.tollgate.limits.Units;
import java.util.Map;

/**
 * Sums over a range of days for one customer.
 *
 * @param units billed units
 * @param requests billed requests
 * @param byOperation units by operation
 * @param byKey units by key id
 * @param refusals refusals by code
 */
public record UsageTotals(
    Units units, long requests, Map<String, Units> byOperation, Map<String, Units> byKey, Map<String, Long> refusals) {

  public static final UsageTotals EMPTY = new UsageTotals(Units.ZERO, 0, Map.of(), Map.of(), Map.of());

  public UsageTotals {
    byOperation = Map.copyOf(byOperation);
    byKey = Map.copyOf(byKey);
    refusals = Map.copyOf(refusals);
  }
}
