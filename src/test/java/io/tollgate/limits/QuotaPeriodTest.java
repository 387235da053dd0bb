package io.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The period looked up by instant is cached until it ends, yet always the one that contains the instant asked. */
final class QuotaPeriodTest {

  @Test
  void containing_anInstant_isThePeriodOfItsDay_acrossBoundaries_andWhenTheClockGoesBack() {
    Instant[] asked = {Instant.parse("2026-01-31T23:59:59.999999999Z"), Instant.parse("2026-02-01T00:00:00Z"),
        Instant.parse("2026-01-31T12:00:00Z"), Instant.parse("2025-12-31T23:59:59Z"),
        Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z")};
    for (Instant t : asked) {
      for (QuotaPeriod length : QuotaPeriod.values()) {
        BillingPeriod expected = length.containing(LocalDate.ofInstant(t, ZoneOffset.UTC));
        assertThat(length.containing(t)).as("%s %s", length, t).isEqualTo(expected);
        assertThat(length.endOfPeriodAt(t)).as("%s %s", length, t).isEqualTo(expected.end());
      }
    }
  }
}
