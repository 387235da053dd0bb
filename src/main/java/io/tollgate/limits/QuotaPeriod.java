package io.tollgate.limits;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
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

  /** The period last looked up by instant, with its bounds: most requests fall in it. */
  private record Current(BillingPeriod period, Instant start, Instant end) {
    boolean contains(Instant t) {
      return !t.isBefore(start) && t.isBefore(end);
    }
  }

  /** Replaced when an instant outside it is asked for; racing threads at worst compute the same period twice. */
  private volatile Current current;

  /** The period of this length that contains {@code now}: computed once per period, not per call. */
  public BillingPeriod containing(Instant now) {
    return currentAt(now).period();
  }

  /** The end of the period of this length that contains {@code now} (exclusive). */
  public Instant endOfPeriodAt(Instant now) {
    return currentAt(now).end();
  }

  private Current currentAt(Instant now) {
    Current c = current;
    if (c == null || !c.contains(now)) {
      BillingPeriod p = containing(LocalDate.ofInstant(now, ZoneOffset.UTC));
      c = new Current(p, p.start(), p.end());
      current = c;
    }
    return c;
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
