package io.tollgate.gate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.gate.Limiter.Admission;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Quota;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimit;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What one node holds for one customer never passes the documented bounds (burst/20 tokens, quota/50 units): a lease
 * fetched while the current one still admits is added to its rest, so the rest counts against the next lease's size.
 */
final class LeaseTest {
  private static final long LIFETIME = Duration.ofSeconds(1).toNanos();
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final Instant MONTH_END = Instant.parse("2027-01-01T00:00:00Z");
  /** 100 units at 0.5 units a request: quota/50 is 2 units, 4 requests. */
  private static final Limits LIMITS = new Limits(new Quota(Units.of(100), QuotaPeriod.MONTH),
      new RateLimit(100_000, 1, 100_000));
  private static final Units HALF = new Units(500);

  @Test
  void startFetch_whileTheLeaseStillAdmits_asksOnlyForWhatKeepsTheTotalWithinAFiftiethOfTheQuota() {
    long t = 0;
    Lease lease = new Lease(LIFETIME, t);
    for (int i = 0; i < 100; i++) {
      lease.arrived(t += LIFETIME / 50); // 50 requests a second: far more than the cap wants
    }
    long first = lease.startFetch(LIMITS, HALF, t);
    assertThat(first).isEqualTo(4);
    lease.fill(LIMITS, first, HALF, granted(), NOW, MONTH_END, t);
    lease.fetched();
    for (int i = 0; i < 3; i++) {
      assertThat(lease.take(LIMITS, HALF, NOW, t)).isPresent();
    }
    assertThat(lease.isLow(LIMITS, t)).isTrue();

    long next = lease.startFetch(LIMITS, HALF, t);

    assertThat(next).as("one request is left in the lease: 4 - 1").isEqualTo(3);
    lease.fill(LIMITS, next, HALF, granted(), NOW, MONTH_END, t);
    int admitted = 0;
    while (lease.take(LIMITS, HALF, NOW, t).isPresent()) {
      admitted++;
    }
    assertThat(admitted).as("requests held at once").isEqualTo(4);
  }

  @Test
  void startFetch_withTheLeaseAlmostFull_fetchesNothing_andTheRequestIsDecidedExactly() {
    long t = 0;
    Lease lease = new Lease(LIFETIME, t);
    for (int i = 0; i < 100; i++) {
      lease.arrived(t += LIFETIME / 50);
    }
    lease.fill(LIMITS, lease.startFetch(LIMITS, HALF, t), HALF, granted(), NOW, MONTH_END, t);
    lease.fetched();
    assertThat(lease.take(LIMITS, HALF, NOW, t)).isPresent();

    assertThat(lease.startFetch(LIMITS, HALF, t)).as("3 left of 4: a lease of one is not worth a call").isZero();
    assertThat(lease.isFetching()).isFalse();
  }

  private static Admission granted() {
    return new Admission(new RateLimiter.Verdict(true, 99_000, Duration.ZERO, Duration.ofSeconds(1)),
        Optional.of(new QuotaLedger.Verdict(true, Units.of(20), Units.of(100), Duration.ofDays(20))));
  }
}
