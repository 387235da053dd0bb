package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.gate.redis.FallbackLimiter;
import io.tollgate.gate.redis.LeasingLimiter;
import io.tollgate.gate.redis.PrivateRedis;
import io.tollgate.gate.redis.RedisLimiter;
import io.tollgate.limits.Account;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Units;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code limits.on_redis_down: local} at the limiter: a node alone on its share while its Redis is gone. */
final class FallbackLimiterTest {
  @RegisterExtension static final PrivateRedis redis = new PrivateRedis();
  private static final RedisLimiter.Seeds NO_SEEDS = (account, period) -> Units.ZERO;

  /**
   * Requests of one customer decided at the same instant, on several threads, are reservations of their own: each
   * released one gives its units back to the share (they were keyed by the instant, so one overwrote another and its
   * release went to the shared counters instead).
   */
  @Test
  void requestsAtTheSameInstant_released_giveAllTheirUnitsBackToTheShare() throws Exception {
    redis.server().stop();
    try {
      RedisLimiter r = RedisLimiter.connect(redis.vertx(), redis.url(), Duration.ofMillis(200), NO_SEEDS, "node-alone");
      Limiter l = new FallbackLimiter(redis.vertx(), new LeasingLimiter(redis.vertx(), r), r, NO_SEEDS,
          InstantSource.system());
      Account a = LimiterContract.account("same-instant");
      Limits lim = LimiterContract.limits(1000, 8);
      int threads = 8;
      CyclicBarrier together = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Limiter.Admission>> admitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        admitted.add(pool.submit(() -> {
          together.await(10, TimeUnit.SECONDS);
          return LimiterContract.admit(l, a, lim, 1, false);
        }));
      }
      for (Future<Limiter.Admission> f : admitted) {
        assertThat(f.get(30, TimeUnit.SECONDS).allowed()).isTrue();
      }
      List<Future<?>> released = new ArrayList<>();
      for (Future<Limiter.Admission> f : admitted) {
        long ticket = f.get().ticket();
        released.add(pool.submit(() -> l.settle(a, lim, Units.of(1), Units.ZERO, LimiterContract.NOW, ticket, false)));
      }
      for (Future<?> f : released) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();

      assertThat(LimiterContract.admit(l, a, lim, 8, false).allowed()).as("the whole share of 8 units is free again")
          .isTrue();
    } finally {
      redis.server().restart();
    }
  }

  /**
   * The first local decisions of an outage, taken on many threads at once, share one outage and so one quota share
   * (each thread that found no outage began its own, and the decisions taken on the one replaced spent a share nobody
   * counted any more).
   */
  @Test
  void outageNoticedOnManyThreadsAtOnce_admitsOneShareInAll() throws Exception {
    redis.server().stop();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      RedisLimiter r = RedisLimiter.connect(redis.vertx(), redis.url(), Duration.ofMillis(200), NO_SEEDS, "node-alone");
      for (int round = 0; round < 30; round++) {
        Limiter l = new FallbackLimiter(redis.vertx(), new LeasingLimiter(redis.vertx(), r), r, NO_SEEDS,
            InstantSource.system());
        Account a = LimiterContract.account("many-threads");
        Limits lim = LimiterContract.limits(1000, 8);
        CyclicBarrier together = new CyclicBarrier(32);
        List<Future<Limiter.Admission>> admitted = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
          admitted.add(pool.submit(() -> {
            together.await(10, TimeUnit.SECONDS);
            return LimiterContract.admit(l, a, lim, 1, false);
          }));
        }
        long allowed = 0;
        for (Future<Limiter.Admission> f : admitted) {
          allowed += f.get(30, TimeUnit.SECONDS).allowed() ? 1 : 0;
        }
        assertThat(allowed).as("round %d: the share of 8 units", round).isEqualTo(8);
      }
    } finally {
      pool.shutdown();
      redis.server().restart();
    }
  }
}
