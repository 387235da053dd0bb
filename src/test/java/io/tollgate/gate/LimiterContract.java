package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.limits.Account;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Quota;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimit;
import io.tollgate.limits.Units;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Limiter} promises (bucket4j's TCK idea): {@link LocalLimiterTest} and {@link RedisLimiterTest}
 * only supply the limiter. Rates are one token per hour, so that no test depends on the refill.
 */
abstract class LimiterContract {
  static final Instant NOW = Instant.now();
  static final Instant CREATED = NOW.minus(Duration.ofDays(1));

  /** A limiter whose stored usage of the current month and year is {@code seeded} units per customer. */
  abstract Limiter limiter(Map<String, Units> seeded);

  static Limits limits(long burst, long quotaUnits) {
    return new Limits(new Quota(Units.of(quotaUnits), QuotaPeriod.MONTH), new RateLimit(1, 3600, burst));
  }

  static Account account(String id) {
    return new Account(id + "-" + System.nanoTime(), CREATED);
  }

  static Limiter.Admission admit(Limiter l, Account a, Limits limits, long units, boolean dryRun) throws Exception {
    return l.tryAdmit(a, limits, Units.of(units), NOW, dryRun).toCompletionStage().toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
  }

  @Test
  void tryAdmit_pastTheBurst_refusesWithRetryAfter() throws Exception {
    Limiter l = limiter(Map.of());
    Account a = account("burst");
    for (long left = 2; left >= 0; left--) {
      Limiter.Admission ok = admit(l, a, limits(3, 1000), 1, false);
      assertThat(ok.allowed()).isTrue();
      assertThat(ok.rate().remaining()).isEqualTo(left);
    }
    Limiter.Admission refused = admit(l, a, limits(3, 1000), 1, false);
    assertThat(refused.rate().allowed()).isFalse();
    assertThat(refused.quota()).isEmpty();
    assertThat(refused.rate().retryAfter()).isGreaterThan(Duration.ofMinutes(50));
  }

  @Test
  void tryAdmit_pastTheQuota_refusesAndTakesNoToken() throws Exception {
    Limiter l = limiter(Map.of());
    Account a = account("quota");
    assertThat(admit(l, a, limits(10, 2), 2, false).allowed()).isTrue();
    Limiter.Admission refused = admit(l, a, limits(10, 2), 1, false);
    assertThat(refused.rate().allowed()).isTrue();
    assertThat(refused.quota().orElseThrow().allowed()).isFalse();
    assertThat(refused.quota().orElseThrow().used()).isEqualTo(Units.of(2));
    assertThat(admit(l, a, limits(10, 2), 0, true).rate().remaining()).isEqualTo(9);
  }

  @Test
  void settle_releasedWithTheToken_givesUnitsAndTokenBack() throws Exception {
    Limiter l = limiter(Map.of());
    Account a = account("release");
    Limiter.Admission admitted = admit(l, a, limits(1, 2), 2, false);
    assertThat(admitted.allowed()).isTrue();
    l.settle(a, limits(1, 2), Units.of(2), Units.ZERO, NOW, admitted.ticket(), true);
    Limiter.Admission again = awaitAllowed(l, a, limits(1, 2), 2);
    assertThat(again.quota().orElseThrow().used()).isEqualTo(Units.of(2));
  }

  /**
   * A request settled with its units and then un-billed (strict mode's take-back) gives exactly those units back,
   * and only those: a reservation of another request still in flight stays held until it settles.
   */
  @Test
  void refund_ofASettledRequest_givesItsUnitsBack_andLeavesAnotherReservationHeld() throws Exception {
    Limiter l = limiter(Map.of());
    Account a = account("refund");
    Limits lim = limits(10, 10);
    Limiter.Admission three = admit(l, a, lim, 3, false);
    Limiter.Admission five = admit(l, a, lim, 5, false);
    assertThat(three.allowed()).isTrue();
    assertThat(five.allowed()).isTrue();
    l.settle(a, lim, Units.of(3), Units.of(3), NOW, three.ticket(), false);
    l.refund(a, lim, Units.of(3), NOW);
    l.settle(a, lim, Units.of(5), Units.of(5), NOW, five.ticket(), false);
    Limiter.Admission next = awaitAllowed(l, a, lim, 5);
    assertThat(next.quota().orElseThrow().used()).isEqualTo(Units.of(10));
    assertThat(admit(l, a, lim, 1, true).allowed()).isFalse();
  }

  @Test
  void settle_toFewerUnits_keepsOnlyThose() throws Exception {
    Limiter l = limiter(Map.of());
    Account a = account("correct");
    Limiter.Admission admitted = admit(l, a, limits(10, 5), 4, false);
    assertThat(admitted.allowed()).isTrue();
    l.settle(a, limits(10, 5), Units.of(4), Units.of(1), NOW, admitted.ticket(), false);
    awaitAllowed(l, a, limits(10, 5), 4);
  }

  @Test
  void tryAdmit_dryRun_takesNothing() throws Exception {
    Limiter l = limiter(Map.of());
    Account a = account("dry");
    for (int i = 0; i < 3; i++) {
      assertThat(admit(l, a, limits(1, 1), 1, true).allowed()).isTrue();
    }
    assertThat(admit(l, a, limits(1, 1), 1, false).allowed()).isTrue();
  }

  @Test
  void tryAdmit_storedUsage_countsForAnAccountThatExistedThen_butNotForOneCreatedAgain() throws Exception {
    String id = "seeded-" + System.nanoTime();
    Limiter l = limiter(Map.of(id, Units.of(9)));
    Account old = new Account(id, CREATED);
    assertThat(admit(l, old, limits(10, 10), 2, false).allowed()).isFalse();
    assertThat(admit(l, old, limits(10, 10), 1, false).allowed()).isTrue();
    Account again = new Account(id, NOW.plusSeconds(60));
    assertThat(admit(l, again, limits(10, 10), 10, false).allowed()).isTrue();
  }

  /** Settlements may be written after the call returns (Redis): the next admission is awaited, not assumed. */
  private static Limiter.Admission awaitAllowed(Limiter l, Account a, Limits limits, long units) throws Exception {
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
        .until(() -> admit(l, a, limits, units, true).allowed());
    return admit(l, a, limits, units, false);
  }
}
