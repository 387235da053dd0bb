package io.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class QuotaLedgerTest {
  private static final Instant MID_MARCH = Instant.parse("2026-03-15T12:00:00Z");
  private static final Account ACME = new Account("acme", Instant.parse("2026-01-01T00:00:00Z"));
  private final Quota tenPerMonth = new Quota(Units.of(10), QuotaPeriod.MONTH);

  private QuotaLedger empty() {
    return new QuotaLedger(Map.of(), Map.of(), MID_MARCH);
  }

  @Test
  void reserve_tenOneUnitRequests_fitExactly_theEleventhIsRefusedUntilTheMonthEnds() {
    QuotaLedger ledger = empty();
    for (int i = 0; i < 10; i++) {
      assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH).allowed()).isTrue();
    }
    QuotaLedger.Verdict refused = ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.untilReset()).isEqualTo(Duration.between(MID_MARCH, Instant.parse("2026-04-01T00:00:00Z")));
  }

  @Test
  void seed_countsStoredUsageOfTheCurrentPeriod() {
    QuotaLedger ledger = new QuotaLedger(Map.of("acme", Units.of(9)), Map.of("acme", Units.of(20)),
        MID_MARCH);
    assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH).allowed()).isTrue();
    assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH).allowed()).isFalse();
    Quota yearly = new Quota(Units.of(22), QuotaPeriod.YEAR);
    assertThat(ledger.peek(ACME, yearly, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.of(21));
  }

  @Test
  void inherit_countsInTheMonthAndYearOfItsDay_beforeAndAfterTheCountersExist_andNotForALaterCreation() {
    QuotaLedger ledger = new QuotaLedger(Map.of("acme", Units.of(2)), Map.of("acme", Units.of(5)), MID_MARCH);
    java.time.LocalDate march = java.time.LocalDate.parse("2026-03-14");
    ledger.inherit(ACME, march, Units.of(3).milli()); // before any counter: the seed and this
    assertThat(ledger.peek(ACME, tenPerMonth, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.of(5));
    ledger.inherit(ACME, march, -Units.of(1).milli()); // a take-back, with the counter there
    assertThat(ledger.peek(ACME, tenPerMonth, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.of(4));
    Quota yearly = new Quota(Units.of(100), QuotaPeriod.YEAR);
    assertThat(ledger.peek(ACME, yearly, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.of(7));
    ledger.inherit(ACME, java.time.LocalDate.parse("2026-02-10"), Units.of(10).milli()); // February: the year only
    assertThat(ledger.peek(ACME, tenPerMonth, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.of(4));
    assertThat(ledger.peek(ACME, yearly, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.of(17));
    Account later = new Account("acme", MID_MARCH.plusSeconds(1)); // created again after the seeds were read
    ledger.inherit(later, march, Units.of(3).milli());
    assertThat(ledger.peek(later, tenPerMonth, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.ZERO);
  }

  @Test
  void settle_releaseAndCorrection_moveTheCounter() {
    QuotaLedger ledger = empty();
    ledger.tryReserve(ACME, tenPerMonth, Units.of(4), MID_MARCH);
    ledger.settle(ACME, Units.of(4), Units.ZERO, MID_MARCH);
    assertThat(ledger.peek(ACME, tenPerMonth, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.ZERO);
    ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH);
    ledger.settle(ACME, Units.of(1), new Units(2500), MID_MARCH);
    assertThat(ledger.peek(ACME, tenPerMonth, Units.ZERO, MID_MARCH).used()).isEqualTo(new Units(2500));
  }

  @Test
  void newMonth_startsFromZero_andALateSettleOfLastMonthLeavesItAlone() {
    QuotaLedger ledger = empty();
    for (int i = 0; i < 10; i++) {
      ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH);
    }
    Instant april = Instant.parse("2026-04-01T00:00:01Z");
    assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), april).allowed()).isTrue();
    ledger.settle(ACME, Units.of(1), Units.ZERO, MID_MARCH);
    assertThat(ledger.peek(ACME, tenPerMonth, Units.ZERO, april).used()).isEqualTo(Units.of(1));
  }

  /**
   * Requests are decided on several event loops, each with the instant it read: one decided in the last instant of
   * March can reserve just after one of April did. It is checked against March as counted (not against a March
   * counter started again from the seeds), and it does not throw away what April counted already. Likewise at the
   * end of a year.
   */
  @Test
  void reserve_ofThePeriodJustEnded_afterTheNextBegan_checksItAsCounted_andKeepsTheNewPeriodsCount() {
    Instant seededAt = Instant.parse("2026-12-31T23:00:00Z");
    QuotaLedger ledger = new QuotaLedger(Map.of("acme", Units.of(9)), Map.of("acme", Units.of(20)), seededAt);
    Quota thirtyPerYear = new Quota(Units.of(30), QuotaPeriod.YEAR);
    Instant lastMoment = Instant.parse("2026-12-31T23:59:59.999Z");
    Instant newYear = Instant.parse("2027-01-01T00:00:00.001Z");
    assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), lastMoment).allowed()).isTrue(); // December full
    assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), newYear).allowed()).isTrue();
    assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), lastMoment.minusNanos(500)).allowed())
        .as("December is used up").isFalse();
    assertThat(ledger.peek(ACME, tenPerMonth, Units.ZERO, newYear).used()).isEqualTo(Units.of(1));
    assertThat(ledger.peek(ACME, thirtyPerYear, Units.ZERO, newYear).used()).isEqualTo(Units.of(1));
    assertThat(ledger.peek(ACME, thirtyPerYear, Units.ZERO, lastMoment).used()).isEqualTo(Units.of(21));
  }

  @Test
  void periodChange_monthToYear_findsTheYearsUsageAlreadyCounted() {
    QuotaLedger ledger = empty();
    for (int i = 0; i < 7; i++) {
      ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH);
    }
    Quota eightPerYear = new Quota(Units.of(8), QuotaPeriod.YEAR);
    assertThat(ledger.tryReserve(ACME, eightPerYear, Units.of(1), MID_MARCH).allowed()).isTrue();
    assertThat(ledger.tryReserve(ACME, eightPerYear, Units.of(1), MID_MARCH).allowed()).isFalse();
  }

  @Test
  void concurrentReservations_neverPassTheQuota() throws Exception {
    QuotaLedger ledger = empty();
    Quota thousand = new Quota(Units.of(1000), QuotaPeriod.MONTH);
    java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 500; i++) {
          if (ledger.tryReserve(ACME, thousand, Units.of(1), MID_MARCH).allowed()) {
            admitted.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(admitted.get()).isEqualTo(1000);
  }

  @Test
  void reserve_unitsThatWouldOverflowTheCounter_areRefused_andLeaveItAsItWas() {
    QuotaLedger ledger = empty();
    Quota huge = new Quota(new Units(Long.MAX_VALUE), QuotaPeriod.MONTH);
    ledger.tryReserve(ACME, huge, Units.of(5), MID_MARCH);
    for (long milli : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 4999, 9_223_372_036_854_775_000L}) {
      assertThat(ledger.tryReserve(ACME, huge, new Units(milli), MID_MARCH).allowed()).isFalse();
      assertThat(ledger.peek(ACME, huge, new Units(milli), MID_MARCH).allowed()).isFalse();
    }
    assertThat(ledger.peek(ACME, huge, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.of(5));
    assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH).allowed()).isTrue();
  }

  @Test
  void settle_correctionBeyondTheLargestAmount_saturates_andNeverGoesNegative() {
    QuotaLedger ledger = empty();
    ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH);
    ledger.settle(ACME, Units.ZERO, new Units(Long.MAX_VALUE), MID_MARCH);
    QuotaLedger.Verdict full = ledger.peek(ACME, tenPerMonth, Units.ZERO, MID_MARCH);
    assertThat(full.used()).isEqualTo(new Units(Long.MAX_VALUE));
    assertThat(full.remaining()).isEqualTo(Units.ZERO);
    assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH).allowed()).isFalse();
    ledger.settle(ACME, new Units(Long.MAX_VALUE), Units.ZERO, MID_MARCH);
    ledger.settle(ACME, Units.of(1), Units.ZERO, MID_MARCH);
    assertThat(ledger.peek(ACME, tenPerMonth, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.ZERO);
  }

  @Test
  void recreatedCustomer_isAnotherAccount_startingFromZero_evenWhenSeeded() {
    Instant seededAt = MID_MARCH.plusSeconds(60);
    QuotaLedger ledger = new QuotaLedger(Map.of("acme", Units.of(10)), Map.of("acme", Units.of(10)), seededAt);
    assertThat(ledger.tryReserve(ACME, tenPerMonth, Units.of(1), MID_MARCH).allowed()).isFalse();
    Account again = new Account("acme", seededAt.plusSeconds(1));
    assertThat(ledger.peek(again, tenPerMonth, Units.ZERO, MID_MARCH).used()).isEqualTo(Units.ZERO);
    for (int i = 0; i < 10; i++) {
      assertThat(ledger.tryReserve(again, tenPerMonth, Units.of(1), MID_MARCH).allowed()).isTrue();
    }
    ledger.settle(ACME, Units.of(1), Units.ZERO, MID_MARCH); // a late settle of the old account: not the new one's
    assertThat(ledger.tryReserve(again, tenPerMonth, Units.of(1), MID_MARCH).allowed()).isFalse();
  }
}
