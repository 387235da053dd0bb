package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.gate.redis.LeasingLimiter;
import io.tollgate.gate.redis.RedisLimiter;
import io.tollgate.gate.redis.PrivateRedis;
import io.tollgate.gate.redis.RedisServer;
import io.tollgate.limits.Account;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Quota;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimit;
import io.tollgate.limits.Units;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leases over a private Redis: the limiter contract holds with leases and coalesced settlements, a customer far from
 * its limits costs few Redis calls per request under concurrent load, and what a node that stopped calling held
 * stays counted once its hold expires (its unpaid settlements are not lost).
 */
final class LeasingLimiterTest extends LimiterContract {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  @RegisterExtension static final PrivateRedis redis = new PrivateRedis();

  @Override
  Limiter limiter(Map<String, Units> seeded) {
    return new LeasingLimiter(redis.vertx(), connect(seeded, "node-a"));
  }

  private static RedisLimiter connect(Map<String, Units> seeded, String node) {
    return RedisLimiter.connect(redis.vertx(), redis.url(), TIMEOUT, RedisLimiter.Seeds.of(new QuotaLedger(seeded, seeded,
        NOW)), node);
  }

  private static Limits far() {
    return new Limits(new Quota(Units.of(100_000_000), QuotaPeriod.MONTH), new RateLimit(1_000_000, 1, 1_000_000));
  }

  /** {@code requests} admissions from {@code threads} threads, each settled as billed (as the gate does). */
  private static long hammer(Limiter l, Account a, Limits limits, int threads, int requests) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicLong allowed = new AtomicLong();
    AtomicLong left = new AtomicLong(requests);
    List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(pool.submit(() -> {
        while (left.decrementAndGet() >= 0) {
          Limiter.Admission admission = admit(l, a, limits, 1, false);
          if (admission.allowed()) {
            allowed.incrementAndGet();
            l.settle(a, limits, Units.of(1), Units.of(1), NOW, admission.ticket(), false);
          }
        }
        return null;
      }));
    }
    for (var w : workers) {
      w.get();
    }
    pool.shutdown();
    return allowed.get();
  }

  /** A node: its leasing limiter and its Redis client. */
  private record Node(LeasingLimiter limiter, RedisLimiter redis) {
    /** Stops it without paying anything more (no sweep, no flush): as {@code kill -9} would. */
    void kill() {
      limiter.close();
      redis.close();
    }
  }

  /** Node {@code node} (a new run of it), having admitted {@code units} for {@code a}, billed and owed (coalesced). */
  private static Node owing(String node, Account a, Limits lim, long units) throws Exception {
    RedisLimiter r = connect(Map.of(), node);
    LeasingLimiter l = new LeasingLimiter(redis.vertx(), r);
    assertThat(admit(l, a, lim, units, false).allowed()).isTrue();
    l.settle(a, lim, Units.of(units), Units.of(units), NOW, Limiter.Admission.NO_TICKET, false);
    return new Node(l, r);
  }

  /** What another node sees used of {@code a}'s quota is {@code units}, and stays so for longer than a hold. */
  private static LeasingLimiter awaitUsedStays(Account a, Limits lim, long units) {
    LeasingLimiter other = new LeasingLimiter(redis.vertx(), connect(Map.of(), "node-other"));
    await().during(RedisLimiter.HOLD_TTL.plusMillis(500)).atMost(RedisLimiter.HOLD_TTL.plusSeconds(5))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> admit(other, a, lim, 1, true).quota().orElseThrow().used().equals(Units.of(units)));
    return other;
  }

  /**
   * A node that stops (drained, then its Redis client closed) pays the settlements it had coalesced: after its held
   * units expire the shared counter still holds what it billed, so the next node does not admit it again.
   */
  @Test
  void flush_atStop_paysTheCoalescedSettlements_soTheyOutliveTheNodesHeldUnits() throws Exception {
    Account a = account("flush-at-stop");
    Limits lim = limits(100, 10);
    Node stopping = owing("node-stopping", a, lim, 4);
    stopping.limiter().flush().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    stopping.kill();
    awaitUsedStays(a, lim, 4).close();
  }

  /**
   * A node killed with a settlement still coalesced (billed to the client, not paid to Redis): once its hold expires
   * the shared counter still counts the units that request had reserved, so another node does not admit them again.
   */
  @Test
  void nodeThatStopsWithASettlementNotPaid_afterItsHoldExpires_theCounterStillCountsItsUnits() throws Exception {
    Account a = account("killed-unpaid");
    Limits lim = limits(100, 10);
    owing("node-killed", a, lim, 4).kill();
    LeasingLimiter other = awaitUsedStays(a, lim, 4);
    assertThat(admit(other, a, lim, 7, false).allowed()).as("only 6 units are left").isFalse();
    other.close();
  }

  /**
   * A node killed with a settlement still coalesced and restarted at once with the same node id (a new run, which
   * knows nothing of what the old one held): the old run's units are not taken for the new run's, and stay counted.
   */
  @Test
  void nodeRestartedWithTheSameIdBeforeItsHoldExpires_theOldRunsUnpaidUnitsStayCounted() throws Exception {
    Account a = account("restarted-unpaid");
    Limits lim = limits(100, 10);
    owing("node-restarted", a, lim, 4).kill();
    Node restarted = owing("node-restarted", a, lim, 1);
    restarted.limiter().flush().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    awaitUsedStays(a, lim, 5).close();
    restarted.kill();
  }

  @Test
  void farFromItsLimits_underConcurrentLoad_costsAtMostOneRedisCallPer20AllowedRequests() throws Exception {
    RedisLimiter redisA = connect(Map.of(), "node-far");
    LeasingLimiter l = new LeasingLimiter(redis.vertx(), redisA);
    Account a = account("far");
    hammer(l, a, far(), 16, 500); // connections opened, the rate measured
    long before = redisA.calls();
    long allowed = hammer(l, a, far(), 16, 20_000);
    double perRequest = (double) (redisA.calls() - before) / allowed;
    System.out.printf("far from its limits, 16 threads: %d allowed, %d Redis calls, %.4f per allowed request%n",
        allowed, redisA.calls() - before, perRequest);
    assertThat(allowed).isEqualTo(20_000);
    assertThat(perRequest).isLessThanOrEqualTo(0.05);
  }

  /**
   * Two nodes whose clocks differ by 2 s (node B passes its own time, 2 s ahead, as the gate passes its clock): the
   * bucket's time comes from Redis, so the shared rate limit holds within the same bounds as without skew (at most
   * 2 % over an ideal bucket plus the requests in flight, at least 5 % under), and a quota is reached exactly.
   */
  @Test
  void twoNodesWithClocks2sApart_keepTheSameBounds() throws Exception {
    LeasingLimiter nodeA = new LeasingLimiter(redis.vertx(), connect(Map.of(), "node-skew-a"));
    LeasingLimiter nodeB = new LeasingLimiter(redis.vertx(), connect(Map.of(), "node-skew-b"));
    Duration skew = Duration.ofSeconds(2);
    Limits rate = new Limits(new Quota(Units.of(100_000_000), QuotaPeriod.MONTH), new RateLimit(25, 1, 40));
    Account a = account("skew-rate");
    hammer(nodeA, account("skew-warm-up"), far(), 8, 200); // connections opened: no refill is lost to them
    hammer(nodeB, account("skew-warm-up"), far(), 8, 200);
    AtomicLong admitted = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(3).toNanos();
    List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      boolean onB = t % 2 == 1;
      workers.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          java.time.Instant now = java.time.Instant.now().plus(onB ? skew : Duration.ZERO);
          Limiter node = onB ? nodeB : nodeA;
          sent.incrementAndGet();
          Limiter.Admission admission = node.tryAdmit(a, rate, Units.of(1), now, false).toCompletionStage()
              .toCompletableFuture().get(15, TimeUnit.SECONDS);
          if (admission.allowed()) {
            admitted.incrementAndGet();
            node.settle(a, rate, Units.of(1), Units.of(1), now, Limiter.Admission.NO_TICKET, false);
          }
        }
        return null;
      }));
    }
    for (var w : workers) {
      w.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double ideal = 40 + 25 * seconds;
    System.out.printf("rate 25/s burst 40, two nodes 2 s apart, %.2f s: %d admitted of %d, ideal %.1f, error %+.2f %%%n",
        seconds, admitted.get(), sent.get(), ideal, 100 * (admitted.get() - ideal) / ideal);
    assertThat(sent.get()).as("the load is at least five times the limit").isGreaterThan((long) (5 * ideal));
    assertThat((double) admitted.get()).isLessThanOrEqualTo(ideal * 1.02 + 16).isGreaterThanOrEqualTo(ideal * 0.95);

    Limits quota = new Limits(new Quota(Units.of(500), QuotaPeriod.MONTH), new RateLimit(1_000_000, 1, 1_000_000));
    Account q = account("skew-quota");
    AtomicLong spent = new AtomicLong();
    List<java.util.concurrent.Future<?>> quotaWorkers = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      boolean onB = t % 2 == 1;
      quotaWorkers.add(pool.submit(() -> {
        for (int i = 0; i < 60; i++) {
          java.time.Instant now = NOW.plus(onB ? skew : Duration.ZERO);
          Limiter node = onB ? nodeB : nodeA;
          if (node.tryAdmit(q, quota, Units.of(1), now, false).toCompletionStage().toCompletableFuture()
              .get(15, TimeUnit.SECONDS).allowed()) {
            spent.incrementAndGet();
            node.settle(q, quota, Units.of(1), Units.of(1), now, Limiter.Admission.NO_TICKET, false);
          }
        }
        return null;
      }));
    }
    for (var w : quotaWorkers) {
      w.get();
    }
    pool.shutdown();
    System.out.printf("quota 500 units, two nodes 2 s apart: %d admitted of %d%n", spent.get(), 16 * 60);
    assertThat(spent.get()).isLessThanOrEqualTo(500).isGreaterThanOrEqualTo(500 - 2 * 10);
  }
}
