package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tollgate.gate.redis.RedisLimiter;
import io.tollgate.gate.redis.PrivateRedis;
import io.tollgate.gate.redis.RedisServer;
import io.tollgate.limits.Account;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.Units;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Counters in a private Redis against the limiter contract, plus what only Redis can lose: its scripts. */
final class RedisLimiterTest extends LimiterContract {
  @RegisterExtension static final PrivateRedis redis = new PrivateRedis();
  /** Connecting takes seconds on a loaded 2-core machine; only the circuit test needs a tight timeout. */
  private static final Duration LOADED_MACHINE_TIMEOUT = Duration.ofSeconds(5);
  private static final RedisLimiter.Seeds NO_SEEDS = (account, period) -> Units.ZERO;

  @Override
  Limiter limiter(Map<String, Units> seeded) {
    return RedisLimiter.connect(redis.vertx(), redis.url(), LOADED_MACHINE_TIMEOUT,
        RedisLimiter.Seeds.of(new QuotaLedger(seeded, seeded, NOW)),
        "node-test");
  }

  @Test
  void tryAdmit_redisWithAPassword_decidesWithTheRightOne_andIsUnavailableWithAWrongOne() throws Exception {
    try (RedisServer secured = RedisServer.startWithPassword("s3cret-pw")) {
      Limiter right = RedisLimiter.connect(redis.vertx(), secured.url(), LOADED_MACHINE_TIMEOUT, NO_SEEDS, "node-test");
      assertThat(admit(right, account("pw"), limits(5, 10), 1, false).allowed()).isTrue();
      Limiter wrong = RedisLimiter.connect(redis.vertx(), secured.url().replace("s3cret-pw", "nope"),
          LOADED_MACHINE_TIMEOUT,
          NO_SEEDS, "node-test");
      assertThatThrownBy(() -> admit(wrong, account("pw"), limits(5, 10), 1, false))
          .hasCauseInstanceOf(Limiter.LimitsUnavailableException.class);
    }
  }

  @Test
  void tryAdmit_redisGone_failsWithinTheTimeout_thenAtOnceWhileTheCircuitIsOpen() throws Exception {
    try (RedisServer doomed = RedisServer.start()) {
      RedisLimiter l = RedisLimiter.connect(redis.vertx(), doomed.url(), Duration.ofMillis(50), NO_SEEDS, "node-test");
      Account a = account("gone");
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions() // the first connection may take longer than 50 ms
          .until(() -> admit(l, a, limits(5, 10), 1, false).allowed());
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
    RedisAPI.api(Redis.createClient(redis.vertx(), redis.url())).script(List.of("FLUSH")).toCompletionStage()
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    Limiter.Admission after = admit(l, a, limits(5, 10), 1, false);
    assertThat(after.allowed()).isTrue();
    assertThat(after.quota().orElseThrow().used()).isEqualTo(Units.of(2));
  }

  /**
   * A node that holds reservations and then stops calling (killed, or cut off from Redis without settling): it may
   * have answered those requests and not paid their settlements yet, so once its hold expires
   * ({@link RedisLimiter#HOLD_TTL} after its last call) its held units are counted as used, never handed to the
   * other nodes (under-admission by its unspent rest, never over-admission).
   */
  @Test
  void tryAdmit_unitsHeldByANodeThatStoppedCalling_stayCountedAsUsedAfterTheHold() throws Exception {
    Account a = account("dead-node");
    RedisLimiter dying = RedisLimiter.connect(redis.vertx(), redis.url(), LOADED_MACHINE_TIMEOUT, NO_SEEDS,
        "node-dying");
    RedisLimiter alive = RedisLimiter.connect(redis.vertx(), redis.url(), LOADED_MACHINE_TIMEOUT, NO_SEEDS,
        "node-alive");
    assertThat(admit(dying, a, limits(10, 10), 8, false).allowed()).isTrue();
    dying.close(); // never settles
    assertThat(admit(alive, a, limits(10, 10), 5, false).allowed()).isFalse();
    await().during(RedisLimiter.HOLD_TTL.plusMillis(500)).atMost(RedisLimiter.HOLD_TTL.plusSeconds(5))
        .pollInterval(Duration.ofMillis(100)).until(() -> {
          Limiter.Admission dry = admit(alive, a, limits(10, 10), 5, true);
          return !dry.allowed() && dry.quota().orElseThrow().used().equals(Units.of(8));
        });
    Limiter.Admission rest = admit(alive, a, limits(10, 10), 2, false);
    assertThat(rest.allowed()).isTrue();
    assertThat(rest.quota().orElseThrow().used()).isEqualTo(Units.of(10));
    alive.close();
  }

  /**
   * Many customers deciding at once, more than the pool's connections and the Redis client's default wait queue
   * (24): every call is queued for a connection and decided, none fails for want of a place in the queue.
   */
  @Test
  void tryAdmit_manyConcurrentCalls_moreThanThePoolAndItsDefaultWaitQueue_allDecide() throws Exception {
    Limiter l = limiter(Map.of());
    List<java.util.concurrent.CompletableFuture<Limiter.Admission>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(l.tryAdmit(account("crowd-" + i), limits(5, 10), Units.of(1), NOW, false).toCompletionStage()
          .toCompletableFuture());
    }
    for (java.util.concurrent.CompletableFuture<Limiter.Admission> call : calls) {
      assertThat(call.get(30, TimeUnit.SECONDS).allowed()).isTrue();
    }
  }
}
