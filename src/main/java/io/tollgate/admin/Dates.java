package io.tollgate.admin;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The range of dates and instants the Admin API accepts: years 0000 to 9999, the four-digit years of RFC 3339.
 * {@code java.time} parses years up to ±999999999, whose instants overflow the store's epoch milliseconds.
 */
final class Dates {
  static final int MAX_YEAR = 9999;
  static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
  static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999Z");

  private Dates() {}

  /** Whether {@code t} is within years 0000 to 9999 in UTC. */
  static boolean inRange(Instant t) {
    return !t.isBefore(FIRST) && !t.isAfter(LAST);
  }

  static boolean inRange(LocalDate d) {
    return d.getYear() >= 0 && d.getYear() <= MAX_YEAR;
  }
}
