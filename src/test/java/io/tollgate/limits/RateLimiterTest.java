package io.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

final class RateLimiterTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2026-03-01T00:00:00Z"));
  private final RateLimiter limiter = new RateLimiter(clock);
  private final RateLimit fivePerSecond = new RateLimit(5, 1, 5);

  @Test
  void take_upToBurst_thenRefusesWithRetryAfterOfOneToken() {
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryTake("acme", fivePerSecond).allowed()).isTrue();
    }
    RateLimiter.Verdict refused = limiter.tryTake("acme", fivePerSecond);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void take_afterRefill_allowsAgain_andBurstCapsTheSavings() {
    for (int i = 0; i < 5; i++) {
      limiter.tryTake("acme", fivePerSecond);
    }
    clock.advance(Duration.ofMillis(400));
    assertThat(limiter.tryTake("acme", fivePerSecond).allowed()).isTrue();
    assertThat(limiter.tryTake("acme", fivePerSecond).allowed()).isTrue();
    assertThat(limiter.tryTake("acme", fivePerSecond).allowed()).isFalse();
    clock.advance(Duration.ofSeconds(60));
    assertThat(limiter.peek("acme", fivePerSecond).remaining()).isEqualTo(5);
  }

  @Test
  void giveBack_returnsATakenToken_butNeverBeyondTheBurst() {
    for (int i = 0; i < 5; i++) {
      limiter.tryTake("acme", fivePerSecond);
    }
    limiter.giveBack("acme");
    assertThat(limiter.tryTake("acme", fivePerSecond).allowed()).isTrue();
    assertThat(limiter.tryTake("acme", fivePerSecond).allowed()).isFalse();
    clock.advance(Duration.ofSeconds(60));
    limiter.giveBack("acme");
    assertThat(limiter.peek("acme", fivePerSecond).remaining()).isEqualTo(5);
    limiter.giveBack("nobody"); // no bucket: nothing to give back, no bucket made
  }

  @Test
  void buckets_arePerCustomer() {
    for (int i = 0; i < 5; i++) {
      limiter.tryTake("acme", fivePerSecond);
    }
    assertThat(limiter.tryTake("acme", fivePerSecond).allowed()).isFalse();
    assertThat(limiter.tryTake("globex", fivePerSecond).allowed()).isTrue();
  }

  @Test
  void peek_takesNothing() {
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.peek("acme", fivePerSecond).allowed()).isTrue();
    }
    assertThat(limiter.peek("acme", fivePerSecond).remaining()).isEqualTo(5);
  }

  @Test
  void limitChange_upgradeGrantsTheLargerBurstAtOnce_downgradeCapsIt() {
    for (int i = 0; i < 5; i++) {
      limiter.tryTake("acme", fivePerSecond);
    }
    RateLimit bigger = new RateLimit(100, 1, 100);
    assertThat(limiter.tryTake("acme", bigger).allowed()).isTrue();
    RateLimit smaller = new RateLimit(1, 60, 1);
    assertThat(limiter.tryTake("acme", smaller).allowed()).isTrue();
    assertThat(limiter.tryTake("acme", smaller).allowed()).isFalse();
  }
}
