package io.tollgate.limits;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * One concrete quota and billing period in UTC, e.g. the month {@code 2026-01} or the year {@code 2026}.
 *
 * @param label {@code yyyy-MM} for a month, {@code yyyy} for a year
 * @param length month or year
 * @param firstDay the first day, inclusive
 * @param endDay the first day of the next period, exclusive
 */
public record BillingPeriod(String label, QuotaPeriod length, LocalDate firstDay, LocalDate endDay) {

  public static BillingPeriod month(YearMonth month) {
    LocalDate first = month.atDay(1);
    return new BillingPeriod(month.toString(), QuotaPeriod.MONTH, first, first.plusMonths(1));
  }

  public static BillingPeriod year(int year) {
    LocalDate first = LocalDate.of(year, 1, 1);
    return new BillingPeriod(Integer.toString(year), QuotaPeriod.YEAR, first, first.plusYears(1));
  }

  public Instant start() {
    return firstDay.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  public Instant end() {
    return endDay.atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
