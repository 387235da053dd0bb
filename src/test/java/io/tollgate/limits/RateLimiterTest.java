package io.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

final class RateLimiterTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2026-03-01T00:00:00Z"));
  private static final Account ACME = new Account("acme", java.time.Instant.EPOCH);
  private static final Account GLOBEX = new Account("globex", java.time.Instant.EPOCH);
  private final RateLimiter limiter = new RateLimiter(clock);
  private final RateLimit fivePerSecond = new RateLimit(5, 1, 5);

  @Test
  void take_upToBurst_thenRefusesWithRetryAfterOfOneToken() {
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryTake(ACME, fivePerSecond).allowed()).isTrue();
    }
    RateLimiter.Verdict refused = limiter.tryTake(ACME, fivePerSecond);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void take_afterRefill_allowsAgain_andBurstCapsTheSavings() {
    for (int i = 0; i < 5; i++) {
      limiter.tryTake(ACME, fivePerSecond);
    }
    clock.advance(Duration.ofMillis(400));
    assertThat(limiter.tryTake(ACME, fivePerSecond).allowed()).isTrue();
    assertThat(limiter.tryTake(ACME, fivePerSecond).allowed()).isTrue();
    assertThat(limiter.tryTake(ACME, fivePerSecond).allowed()).isFalse();
    clock.advance(Duration.ofSeconds(60));
    assertThat(limiter.peek(ACME, fivePerSecond).remaining()).isEqualTo(5);
  }

  @Test
  void giveBack_returnsATakenToken_butNeverBeyondTheBurst() {
    for (int i = 0; i < 5; i++) {
      limiter.tryTake(ACME, fivePerSecond);
    }
    limiter.giveBack(ACME);
    assertThat(limiter.tryTake(ACME, fivePerSecond).allowed()).isTrue();
    assertThat(limiter.tryTake(ACME, fivePerSecond).allowed()).isFalse();
    clock.advance(Duration.ofSeconds(60));
    limiter.giveBack(ACME);
    assertThat(limiter.peek(ACME, fivePerSecond).remaining()).isEqualTo(5);
    limiter.giveBack(new Account("nobody", java.time.Instant.EPOCH)); // no bucket: nothing to give back, no bucket made
  }

  @Test
  void peek_ofADrainedDailyBucketWithALargeBurst_resetsWhenItIsFullAgain_neverOverflows() {
    RateLimit millionPerDay = new RateLimit(1_000_000, 86_400, 1_000_000);
    for (int i = 0; i < 200_000; i++) {
      limiter.tryTake(ACME, millionPerDay);
    }
    RateLimiter.Verdict v = limiter.peek(ACME, millionPerDay);
    assertThat(v.remaining()).isEqualTo(800_000);
    assertThat(v.reset()).isEqualTo(Duration.ofSeconds(200_000L * 86_400 / 1_000_000)); // 4.8 h, not negative
  }

  @Test
  void buckets_arePerCustomer() {
    for (int i = 0; i < 5; i++) {
      limiter.tryTake(ACME, fivePerSecond);
    }
    assertThat(limiter.tryTake(ACME, fivePerSecond).allowed()).isFalse();
    assertThat(limiter.tryTake(GLOBEX, fivePerSecond).allowed()).isTrue();
  }

  @Test
  void peek_takesNothing() {
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.peek(ACME, fivePerSecond).allowed()).isTrue();
    }
    assertThat(limiter.peek(ACME, fivePerSecond).remaining()).isEqualTo(5);
  }

  @Test
  void limitChange_upgradeGrantsTheLargerBurstAtOnce_downgradeCapsIt() {
    for (int i = 0; i < 5; i++) {
      limiter.tryTake(ACME, fivePerSecond);
    }
    RateLimit bigger = new RateLimit(100, 1, 100);
    assertThat(limiter.tryTake(ACME, bigger).allowed()).isTrue();
    RateLimit smaller = new RateLimit(1, 60, 1);
    assertThat(limiter.tryTake(ACME, smaller).allowed()).isTrue();
    assertThat(limiter.tryTake(ACME, smaller).allowed()).isFalse();
  }

  @Test
  void recreatedCustomer_isAnotherAccount_withAFullBucket() {
    for (int i = 0; i < 5; i++) {
      limiter.tryTake(ACME, fivePerSecond);
    }
    assertThat(limiter.tryTake(ACME, fivePerSecond).allowed()).isFalse();
    Account again = new Account("acme", java.time.Instant.EPOCH.plusSeconds(1));
    assertThat(limiter.peek(again, fivePerSecond).remaining()).isEqualTo(5);
    assertThat(limiter.tryTake(again, fivePerSecond).allowed()).isTrue();
  }
}
