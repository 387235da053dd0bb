package io.tollgate.metering;

import io.tollgate.limits.Units;
import java.time.LocalDate;
import java.util.Map;

/**
 * One customer's usage on one UTC day, with the requests that failed the SLA.
 *
 * @param day the day
 * @param units billed units
 * @param requests billed requests
 * @param byOperation units by operation
 * @param slaFailures requests that failed the SLA that day ({@link SlaRule})
 */
public record DailyUsage(LocalDate day, Units units, long requests, Map<String, Units> byOperation,
    long slaFailures) {
  public DailyUsage {
    byOperation = Map.copyOf(byOperation);
  }

  /** A day without SLA failures. */
  public DailyUsage(LocalDate day, Units units, long requests, Map<String, Units> byOperation) {
    this(day, units, requests, byOperation, 0);
  }

  /** SLA attainment of the day against {@code target}. */
  public SlaAttainment sla(java.math.BigDecimal target) {
    return new SlaAttainment(target, Math.addExact(Math.max(0, requests), slaFailures), slaFailures);
  }
}
