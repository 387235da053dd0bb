package io.tollgate.gate.redis;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sweep that forgets idle accounts never forgets one a settlement is being written to: what is owed reaches
 * Redis. Accounts count as idle at once here; the test holds the account's lease while a settlement has looked it up
 * and waits for it, and sweeps meanwhile (the interleaving a busy node meets by chance).
 */
final class LeasingLimiterSweepTest {
  @RegisterExtension static final PrivateRedis redis = new PrivateRedis();
  private static final Instant NOW = Instant.now();
  private static final Limits LIMITS = new Limits(new Quota(Units.of(1_000_000), QuotaPeriod.MONTH),
      new RateLimit(1_000_000, 1, 1_000_000));

  @Test
  void sweep_whileASettlementHasLookedUpAnIdleAccount_losesNothingOfIt() throws Exception {
    RedisLimiter r = RedisLimiter.connect(redis.vertx(), redis.url(), Duration.ofSeconds(5),
        (account, period) -> Units.ZERO, "node-sweep");
    LeasingLimiter l = new LeasingLimiter(redis.vertx(), r, Duration.ZERO);
    Account a = new Account("sweep-" + System.nanoTime(), NOW.minus(Duration.ofDays(1)));
    assertThat(get(l.tryAdmit(a, LIMITS, Units.ZERO, NOW, false)).allowed()).isTrue(); // the counters exist
    get(l.flush());
    Lease idle = l.lease(a, System.nanoTime());
    Thread settling;
    synchronized (idle) {
      settling = Thread.ofPlatform().start(() -> l.settle(a, LIMITS, Units.ZERO, Units.of(3), NOW, 0, false));
      await().atMost(Duration.ofSeconds(10)).until(() -> settling.getState() == Thread.State.BLOCKED);
      l.sweep(System.nanoTime());
    }
    settling.join();
    get(l.flush());

    assertThat(get(r.tryAdmit(a, LIMITS, Units.ZERO, NOW, true)).quota().orElseThrow().used()).isEqualTo(Units.of(3));
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
