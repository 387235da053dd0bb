package io.tollgate.limits;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** The length of a quota and billing period: a calendar month or year in UTC. */
public enum QuotaPeriod {
  MONTH,
  YEAR;

  /** The configuration and wire name: {@code month} or {@code year}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<QuotaPeriod> fromWire(String name) {
    return switch (name == null ? "" : name) {
      case "month" -> Optional.of(MONTH);
      case "year" -> Optional.of(YEAR);
      default -> Optional.empty();
    };
  }

  /** The period of this length that contains {@code day}. */
  public BillingPeriod containing(LocalDate day) {
    return switch (this) {
      case MONTH -> BillingPeriod.month(YearMonth.from(day));
      case YEAR -> BillingPeriod.year(day.getYear());
    };
  }

  /** Parses {@code 2026-01} (a month) or {@code 2026} (a year); empty when it is neither. */
  public static Optional<BillingPeriod> parsePeriod(String label) {
    if (label == null) {
      return Optional.empty();
    }
    try {
      if (label.matches("\\d{4}-\\d{2}")) {
        return Optional.of(BillingPeriod.month(YearMonth.parse(label)));
      }
      if (label.matches("\\d{4}")) {
        int year = Integer.parseInt(label);
        return year >= 1970 ? Optional.of(BillingPeriod.year(year)) : Optional.empty();
      }
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
