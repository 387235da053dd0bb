package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tollgate.gate.redis.LeasingLimiter;
import io.tollgate.gate.redis.PrivateRedis;
import io.tollgate.gate.redis.RedisLimiter;
import io.tollgate.gate.redis.RedisProxy;
import io.tollgate.limits.Account;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Units;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the network does to the calls of the shared limits, through a relay in front of a private Redis: a call whose
 * connection breaks before Redis saw it, and a call that times out at the node and still runs on Redis later. What
 * a node billed reaches the shared counters once, and what a call the node gave up on reserved does not stay held.
 */
final class RedisFaultsTest {
  @RegisterExtension static final PrivateRedis redis = new PrivateRedis();
  /** Long enough for a loaded 2-core machine, short enough for the tests (production: 20 ms). */
  private static final Duration TIMEOUT = Duration.ofMillis(400);
  private static final RedisLimiter.Seeds NO_SEEDS = (account, period) -> Units.ZERO;
  private static final Instant NOW = LimiterContract.NOW;
  private RedisProxy proxy;

  @BeforeEach
  void relay() throws Exception {
    proxy = RedisProxy.to(redis.server());
  }

  @AfterEach
  void stopRelay() throws Exception {
    proxy.close();
  }

  /** A node whose calls go through the relay, once its first calls answer (connecting may take longer). */
  private LeasingLimiter throughProxy(String node) {
    LeasingLimiter l = new LeasingLimiter(redis.vertx(),
        RedisLimiter.connect(redis.vertx(), proxy.url(), TIMEOUT, NO_SEEDS, node));
    Account warmUp = LimiterContract.account("warm-up");
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> LimiterContract.admit(l, warmUp, LimiterContract.limits(1000, 1000), 0, true).allowed());
    return l;
  }

  /** Another node, straight to Redis: it sees what the shared counters hold. */
  private static LeasingLimiter observer() {
    return new LeasingLimiter(redis.vertx(), RedisLimiter.connect(redis.vertx(), redis.url(), Duration.ofSeconds(5),
        NO_SEEDS, "node-observer-" + System.nanoTime()));
  }

  private static long used(Limiter l, Account a, Limits lim, Instant at) throws Exception {
    return l.tryAdmit(a, lim, Units.ZERO, at, true).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS)
        .quota().orElseThrow().used().milli() / 1000;
  }

  /** Shared counters change after the calls answer: what they hold is awaited, then must stay so past the hold. */
  private static void awaitUsedStays(Limiter l, Account a, Limits lim, long units) {
    await().during(RedisLimiter.HOLD_TTL.plusMillis(500)).atMost(RedisLimiter.HOLD_TTL.plusSeconds(10))
        .pollInterval(Duration.ofMillis(200)).until(() -> used(l, a, lim, NOW) == units);
  }

  /** A new customer of {@code node}, admitted with {@code reserved} units, billed {@code billed} (owed, coalesced). */
  private static Account billed(LeasingLimiter node, Limits lim, long reserved, long billed) throws Exception {
    Account a = LimiterContract.account("faults");
    assertThat(LimiterContract.admit(node, a, lim, reserved, false).allowed()).isTrue();
    node.settle(a, lim, Units.of(reserved), Units.of(billed), NOW, Limiter.Admission.NO_TICKET, false);
    return a;
  }

  @Test
  void settlement_whoseCallBrokeBeforeReachingRedis_isPaidLater_notLost() throws Exception {
    LeasingLimiter node = throughProxy("node-cut");
    Limits lim = LimiterContract.limits(100, 100);
    Account a = billed(node, lim, 4, 4); // rides on the next call
    proxy.mode(RedisProxy.Mode.CUT);
    assertThatThrownBy(() -> LimiterContract.admit(node, a, lim, 1, false))
        .hasCauseInstanceOf(Limiter.LimitsUnavailableException.class);
    proxy.mode(RedisProxy.Mode.PASS);

    awaitUsedStays(observer(), a, lim, 4);
  }

  /**
   * A node cut off from Redis for longer than its hold, with a settlement owed (4 units reserved, 3 billed): while it
   * is away its held units are counted as used (it may be dead), and when it pays on its return (its settlement, and
   * the 1 unit it did not spend) the counter holds exactly what was billed, nothing counted twice.
   */
  @Test
  void nodeCutOffLongerThanTheHold_countsAsUsedMeanwhile_thenPaysBack_andTheCounterIsExactlyWhatWasBilled()
      throws Exception {
    LeasingLimiter node = throughProxy("node-away");
    Limits lim = LimiterContract.limits(100, 100);
    Account a = billed(node, lim, 4, 3); // owed: release 4, settle 3
    proxy.mode(RedisProxy.Mode.CUT);
    LeasingLimiter observer = observer();
    awaitUsedStays(observer, a, lim, 4);
    proxy.mode(RedisProxy.Mode.PASS);

    awaitUsedStays(observer, a, lim, 3);
  }

  /**
   * Settled units of an earlier month cannot ride with those of the next (other counters): they are paid apart, and
   * when that call breaks they are paid again, not lost.
   */
  @Test
  void settlementOfAnEarlierMonth_paidApart_whoseCallBroke_isPaidLater_notLost() throws Exception {
    LeasingLimiter node = throughProxy("node-apart");
    Limits lim = LimiterContract.limits(100, 100);
    Account a = billed(node, lim, 1, 3); // this month: 3 units billed
    proxy.mode(RedisProxy.Mode.CUT);
    long cuts = proxy.cuts();
    node.settle(a, lim, Units.ZERO, Units.of(1), NOW.plus(Duration.ofDays(40)),
        Limiter.Admission.NO_TICKET, false); // next month's: paid apart
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.cuts() > cuts);
    proxy.mode(RedisProxy.Mode.PASS);

    awaitUsedStays(observer(), a, lim, 3);
  }

  /**
   * A call that timed out at the node (held by the relay) and then ran on Redis reserved units the node never learnt
   * of. While the node goes on calling for the customer (longer than the hold), they do not stay held: after its
   * last settlement is paid the shared counter holds exactly what was billed. The settlement that call carried is
   * paid again by the node, and counted once.
   */
  @Test
  void admissionThatTimedOutButRanOnRedis_doesNotStayHeld_whileTheNodeGoesOnCalling() throws Exception {
    LeasingLimiter node = throughProxy("node-late");
    Limits lim = LimiterContract.limits(1000, 100);
    Account a = billed(node, lim, 1, 1);
    proxy.mode(RedisProxy.Mode.HOLD);
    assertThatThrownBy(() -> LimiterContract.admit(node, a, lim, 5, false))
        .hasCauseInstanceOf(Limiter.LimitsUnavailableException.class);
    proxy.mode(RedisProxy.Mode.PASS); // it runs now: 5 units held for a request the node refused

    long billed = 1;
    long until = System.nanoTime() + RedisLimiter.HOLD_TTL.plusSeconds(1).toNanos();
    while (System.nanoTime() < until) {
      try {
        if (LimiterContract.admit(node, a, lim, 1, false).allowed()) {
          node.settle(a, lim, Units.of(1), Units.of(1), NOW, Limiter.Admission.NO_TICKET, false);
          billed++;
        }
      } catch (java.util.concurrent.ExecutionException timedOutOnALoadedMachine) {
        // refused as unavailable: not billed (and what it may have reserved is dropped the same way)
      }
      Thread.sleep(250); // paces the node's calls over more than the hold; nothing is awaited here
    }
    node.flush().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(used(observer(), a, lim, NOW)).isEqualTo(billed);
  }
}
