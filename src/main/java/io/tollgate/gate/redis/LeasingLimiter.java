package io.tollgate.gate.redis;

import io.tollgate.gate.Limiter;
import io.tollgate.limits.Account;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Units;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shared limits without a Redis round trip per request while a customer is far from its limits: each decision that
 * goes to Redis may take a lease of more requests, debited from the shared bucket and quota at once (so leases can
 * under-admit, never over-admit), sized from this node's recent arrivals of the customer, and granted only while
 * the bucket and the quota stay at least 10 % full; near the limits every request is an exact call. A lease lives
 * {@link #LIFETIME}; its unused rest then goes back to Redis (tokens to the bucket, units to the counters). A node
 * that dies strands at most its leases' rest until the period ends (quota) or the bucket refills (rate). Dry runs
 * are always exact. Thread-safe; never blocks.
 */
public final class LeasingLimiter implements Limiter {
  public static final Duration LIFETIME = Duration.ofMillis(250);
  private static final long IDLE_NANOS = Duration.ofSeconds(30).toNanos();

  private final RedisLimiter redis;
  private final ConcurrentHashMap<Account, Lease> leases = new ConcurrentHashMap<>();

  public LeasingLimiter(Vertx vertx, RedisLimiter redis) {
    this.redis = redis;
    vertx.setPeriodic(LIFETIME.toMillis(), id -> sweep(System.nanoTime()));
  }

  @Override
  public Future<Admission> tryAdmit(Account account, Limits limits, Units units, Instant now, boolean dryRun) {
    if (dryRun) {
      return redis.tryAdmit(account, limits, units, now, true);
    }
    long nanos = System.nanoTime();
    Lease lease = leases.computeIfAbsent(account, a -> new Lease(LIFETIME.toNanos(), nanos));
    var local = lease.take(limits, units, now, nanos);
    if (local.isPresent()) {
      return Future.succeededFuture(local.get());
    }
    long want = lease.nextSize(limits, units, nanos);
    Future<RedisLimiter.Grant> asked = redis.admit(account, limits, units, now, false, want);
    if (want > 0) {
      asked.onComplete(ar -> lease.answered());
    }
    return asked.map(grant -> {
      if (grant.leased() > 0 && grant.admission().allowed()) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant end = limits.quota().period().containing(day).end();
        giveBack(account, lease.fill(limits, grant.leased(), units, grant.admission(), now, end, System.nanoTime()));
      }
      return grant.admission();
    });
  }

  @Override
  public void settle(Account account, Limits limits, Units reserved, Units actual, Instant reservedAt,
      boolean returnToken) {
    redis.settle(account, limits, reserved, actual, reservedAt, returnToken);
  }

  @Override
  public Future<Boolean> probe() {
    return redis.probe();
  }

  @Override
  public boolean isShared() {
    return true;
  }

  /** Gives the rest of expired leases back and forgets accounts idle here for a while. */
  void sweep(long nowNanos) {
    leases.forEach((account, lease) -> {
      giveBack(account, lease.expire(nowNanos));
      if (lease.isIdle(nowNanos, IDLE_NANOS)) {
        leases.remove(account, lease);
      }
    });
  }

  private void giveBack(Account account, Lease.Rest rest) {
    if (!rest.isEmpty()) {
      redis.adjust(account, -rest.milli(), rest.tokens(), rest.grantedAt());
    }
  }
}
