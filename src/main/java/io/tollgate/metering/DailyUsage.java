package io.tollgate.metering;

import io.tollgate.limits.Units;
import java.time.LocalDate;
import java.util.Map;

/**
 * One customer's usage on one UTC day.
 *
 * @param day the day
 * @param units billed units
 * @param requests billed requests
 * @param byOperation units by operation
 */
public record DailyUsage(LocalDate day, Units units, long requests, Map<String, Units> byOperation) {
  public DailyUsage {
    byOperation = Map.copyOf(byOperation);
  }
}
