package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.gate.redis.RedisLimiter;
import io.tollgate.gate.redis.RedisServer;
import io.tollgate.limits.Account;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.Units;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Counters in a private Redis against the limiter contract, plus what only Redis can lose: its scripts. */
final class RedisLimiterTest extends LimiterContract {
  private static Vertx vertx;
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() throws Exception {
    vertx = Vertx.vertx();
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Override
  Limiter limiter(Map<String, Units> seeded) {
    return RedisLimiter.connect(vertx, redis.url(), Duration.ofSeconds(2), new QuotaLedger(seeded, seeded, NOW));
  }

  @Test
  void tryAdmit_redisWithAPassword_decidesWithTheRightOne_andIsUnavailableWithAWrongOne() throws Exception {
    try (RedisServer secured = RedisServer.startWithPassword("s3cret-pw")) {
      Limiter right = RedisLimiter.connect(vertx, secured.url(), Duration.ofSeconds(2), new QuotaLedger(Map.of(),
          Map.of(), NOW));
      assertThat(admit(right, account("pw"), limits(5, 10), 1, false).allowed()).isTrue();
      Limiter wrong = RedisLimiter.connect(vertx, secured.url().replace("s3cret-pw", "nope"), Duration.ofSeconds(2),
          new QuotaLedger(Map.of(), Map.of(), NOW));
      assertThatThrownBy(() -> admit(wrong, account("pw"), limits(5, 10), 1, false))
          .hasCauseInstanceOf(Limiter.LimitsUnavailableException.class);
    }
  }

  @Test
  void tryAdmit_redisGone_failsWithinTheTimeout_thenAtOnceWhileTheCircuitIsOpen() throws Exception {
    try (RedisServer doomed = RedisServer.start()) {
      RedisLimiter l = RedisLimiter.connect(vertx, doomed.url(), Duration.ofMillis(50), new QuotaLedger(Map.of(),
          Map.of(), NOW));
      Account a = account("gone");
      assertThat(admit(l, a, limits(5, 10), 1, false).allowed()).isTrue();
      doomed.stop();
      for (int i = 0; i < 3; i++) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> admit(l, a, limits(5, 10), 1, false))
            .hasCauseInstanceOf(Limiter.LimitsUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
      }
      assertThat(l.isDown()).isTrue();
      long failures = l.failures();
      assertThatThrownBy(() -> admit(l, a, limits(5, 10), 1, false))
          .hasCauseInstanceOf(Limiter.LimitsUnavailableException.class).hasStackTraceContaining("circuit");
      assertThat(l.failures()).isEqualTo(failures + 1);
    }
  }

  @Test
  void tryAdmit_afterRedisForgotItsScripts_stillDecides() throws Exception {
    Limiter l = limiter(Map.of());
    Account a = account("noscript");
    assertThat(admit(l, a, limits(5, 10), 1, false).allowed()).isTrue();
    RedisAPI.api(Redis.createClient(vertx, redis.url())).script(List.of("FLUSH")).toCompletionStage()
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    Limiter.Admission after = admit(l, a, limits(5, 10), 1, false);
    assertThat(after.allowed()).isTrue();
    assertThat(after.quota().orElseThrow().used()).isEqualTo(Units.of(2));
  }
}
