package io.tollgate.gate.redis;

import io.tollgate.gate.Limiter;
import io.tollgate.limits.Account;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Units;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shared limits without a Redis round trip per request while a customer is far from its limits. A node holds per
 * account a lease of requests that Redis already counts as reserved by it (so leases can under-admit, never
 * over-admit), sized to about {@link #LIFETIME} of this node's own traffic of the customer, at most a twentieth of the
 * burst and a fiftieth of the quota, and granted only while the bucket and the quota stay at least 10 % full; near the
 * limits every request is an exact call. One lease fetch per account is in flight at a time: requests that find the
 * lease empty meanwhile wait for it instead of calling Redis, and the next lease is fetched when a quarter of the
 * current one is left. A lease lives {@link #LIFETIME}; its unused rest then goes back to Redis. Settlements are
 * coalesced per account and ride on the account's next call, or are paid on their own after {@link #MAX_OWED}, as
 * payments that Redis applies once: one whose call failed is sent again until a call carrying it is answered. What a
 * node holds in Redis is its own until {@link RedisLimiter#HOLD_TTL} after its last call, then counted as used (a node
 * that dies loses none of the settlements it still coalesced; one that comes back pays them, counted once); what its
 * calls that timed out and ran anyway reserved is dropped by its next call. Dry runs are
 * always exact. Thread-safe; never blocks.
 */
public final class LeasingLimiter implements Limiter {
  public static final Duration LIFETIME = Duration.ofSeconds(1);
  /** The longest a settlement waits for a call to ride on. */
  public static final Duration MAX_OWED = Duration.ofSeconds(1);
  private static final Duration IDLE = Duration.ofSeconds(30);
  private static final long SWEEP_MILLIS = 50;

  private final Vertx vertx;
  private final RedisLimiter redis;
  private final ConcurrentHashMap<Account, Lease> leases = new ConcurrentHashMap<>();
  private final long idleNanos;
  private final long sweepTimer;

  public LeasingLimiter(Vertx vertx, RedisLimiter redis) {
    this(vertx, redis, IDLE);
  }

  /** @param idle how long an account that asks nothing here, and has nothing leased, held or owed, is kept */
  LeasingLimiter(Vertx vertx, RedisLimiter redis, Duration idle) {
    this.vertx = vertx;
    this.redis = redis;
    this.idleNanos = idle.toNanos();
    this.sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep(System.nanoTime()));
  }

  @Override
  public Future<Admission> tryAdmit(Account account, Limits limits, Units units, Instant now, boolean dryRun) {
    if (dryRun) {
      return redis.tryAdmit(account, limits, units, now, true);
    }
    long nanos = System.nanoTime();
    Lease lease = arrived(account, nanos);
    var local = lease.take(limits, units, now, nanos);
    if (local.isPresent()) {
      if (lease.isLow(limits, nanos)) {
        prefetch(account, lease, limits, units, now, nanos);
      }
      return Future.succeededFuture(local.get());
    }
    if (!lease.isFetching()) {
      return viaRedis(account, lease, limits, units, now, lease.startFetch(limits, units, nanos), false);
    }
    Context context = vertx.getOrCreateContext();
    Promise<Admission> answer = Promise.promise();
    lease.whenFetched(() -> context.runOnContext(v -> {
      long later = System.nanoTime();
      var leased = lease.take(limits, units, now, later);
      if (leased.isPresent()) {
        answer.complete(leased.get());
      } else {
        viaRedis(account, lease, limits, units, now, lease.startFetch(limits, units, later), false).onComplete(answer);
      }
    }));
    return answer.future();
  }

  /** The account's lease as it is now, made when there is none. */
  Lease lease(Account account, long nanos) {
    return leases.computeIfAbsent(account, a -> new Lease(LIFETIME.toNanos(), nanos));
  }

  /**
   * The account's lease with one more arrival counted: a lease the sweep retired meanwhile is not used (it is
   * forgotten); the account is looked up again.
   */
  private Lease arrived(Account account, long nanos) {
    while (true) {
      Lease lease = lease(account, nanos);
      if (lease.arrived(nanos)) {
        return lease;
      }
    }
  }

  /** Owes {@code o} for the account, to a lease the sweep has not retired (what a retired one took would be lost). */
  private void owe(Account account, RedisLimiter.Owed o) {
    long nanos = System.nanoTime();
    while (!lease(account, nanos).owe(o, nanos)) {
      Thread.onSpinWait(); // retired and being removed: the next look-up makes a new one
    }
  }

  /** Fetches the next lease in the background while the current one still admits; no request waits on it. */
  private void prefetch(Account account, Lease lease, Limits limits, Units units, Instant now, long nanos) {
    long want = lease.startFetch(limits, units, nanos);
    if (want > 0) {
      viaRedis(account, lease, limits, units, now, want, true);
    }
  }

  /**
   * One call: pays what is to be paid (of this month) and asks for this request plus a lease of {@code want} (0:
   * exact). With {@code forLease} no request waits and the request's own share joins the lease.
   */
  private Future<Admission> viaRedis(Account account, Lease lease, Limits limits, Units units, Instant now, long want,
      boolean forLease) {
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    long extra = forLease ? want - 1 : want;
    RedisLimiter.Call call = lease.begin(Optional.of(day), Math.multiplyExact(units.milli(), 1 + extra), redis::nextId,
        System.nanoTime());
    return redis.admit(account, limits, units, now, false, extra, call).transform(ar -> {
      boolean allowed = ar.succeeded() && ar.result().admission().allowed();
      lease.ended(call, ar.succeeded(), allowed ? units.milli() * (1 + ar.result().leased()) : 0);
      long leased = allowed ? ar.result().leased() + (forLease ? 1 : 0) : 0;
      if (leased > 0) {
        Instant end = limits.quota().period().containing(day).end();
        lease.fill(limits, leased, units, ar.result().admission(), now, end, System.nanoTime());
      }
      if (want > 0) {
        lease.fetched();
      }
      return ar.succeeded() ? Future.succeededFuture(ar.result().admission()) : Future.failedFuture(ar.cause());
    });
  }

  /** Coalesced: rides on the account's next call, or is paid apart within {@link #MAX_OWED}. */
  @Override
  public void settle(Account account, Limits limits, Units reserved, Units actual, Instant reservedAt, long ticket,
      boolean returnToken) {
    owe(account, new RedisLimiter.Owed(reserved.milli(), returnToken ? 1 : 0, actual.milli(),
        LocalDate.ofInstant(reservedAt, ZoneOffset.UTC)));
  }

  /**
   * Adds {@code used} units, admitted by this node without Redis (while it was unreachable), to the shared counters
   * of {@code at}'s month and year; paid with the account's next call.
   */
  public void addUsage(Account account, Units used, Instant at) {
    oweSettled(account, used.milli(), at);
  }

  /** A negative settlement, coalesced like the others: the shared counters of {@code at}'s period lose the units. */
  @Override
  public void refund(Account account, Limits limits, Units units, Instant at) {
    oweSettled(account, -units.milli(), at);
  }

  private void oweSettled(Account account, long milli, Instant at) {
    owe(account, new RedisLimiter.Owed(0, 0, milli, LocalDate.ofInstant(at, ZoneOffset.UTC)));
  }

  @Override
  public Future<State> state() {
    return redis.state();
  }

  /**
   * Owes back the rest of expired leases, pays what waits to be paid (sent again after a failed call, queued apart,
   * or owed too long), renews what is held, and forgets accounts idle here for a while: a lease is retired and
   * removed at once, under the map's lock, so that nothing is taken by a lease no longer in the map.
   */
  void sweep(long nowNanos) {
    List<Account> idle = new ArrayList<>();
    leases.forEach((account, lease) -> {
      lease.expire(nowNanos);
      if (lease.needsPaying(nowNanos, MAX_OWED.toNanos(), RedisLimiter.HOLD_TTL.toNanos() / 3) && redis.mayCall()) {
        pay(account, lease);
      }
      if (lease.isIdle(nowNanos, idleNanos)) {
        idle.add(account);
      }
    });
    idle.forEach(a -> leases.computeIfPresent(a, (k, l) -> l.retireIfIdle(nowNanos, idleNanos) ? null : l));
  }

  /** One call only to pay (any month) and renew what is held; a payment it carried is sent again when it fails. */
  private Future<Void> pay(Account account, Lease lease) {
    RedisLimiter.Call call = lease.begin(Optional.empty(), 0, redis::nextId, System.nanoTime());
    return redis.pay(account, call).andThen(ar -> lease.ended(call, ar.succeeded(), 0));
  }

  /** Stops admitting from the leases held now; their rest is owed back to Redis. */
  void forfeitLeases() {
    leases.values().forEach(Lease::forfeit);
  }

  /**
   * Gives back the rest of every lease and pays everything owed now, instead of waiting for the next request or the
   * sweep (at stop, a settlement still coalesced here would be lost and the shared counters left short): each account
   * in one call, or one per month when a month ended meanwhile. Completes when every call has answered, or an
   * account's first failed.
   */
  @Override
  public Future<Void> flush() {
    List<Future<Void>> paid = new ArrayList<>();
    leases.forEach((account, lease) -> {
      lease.forfeit();
      paid.add(payAll(account, lease));
    });
    return Future.join(paid).mapEmpty();
  }

  private Future<Void> payAll(Account account, Lease lease) {
    return lease.hasPayment() ? pay(account, lease).compose(v -> payAll(account, lease)) : Future.succeededFuture();
  }

  /** Stops the sweep (the owner closes the Redis client). */
  public void close() {
    vertx.cancelTimer(sweepTimer);
  }
}
