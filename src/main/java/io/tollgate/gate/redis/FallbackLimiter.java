package io.tollgate.gate.redis;

import io.tollgate.gate.Limiter;
import io.tollgate.limits.Account;
import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Quota;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimit;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code limits.on_redis_down: local}: the shared limits while Redis answers; while it does not, this node enforces
 * its share of each limit on its own: the rate and burst divided by the live nodes Redis last counted
 * ({@link RedisLimiter#liveNodes()}; 1 when this node never reached Redis), and of the quota what the store held
 * unused when the outage began (read once per customer and outage), divided the same way. Billing does not depend on
 * Redis and loses nothing. The units admitted meanwhile are added to the shared counters once Redis answers again
 * (they ride on the customer's next call; a counter Redis lost is seeded from the store instead, which holds them), so
 * the node rejoins the shared bucket with them counted. Thread-safe; never blocks (the store is read on a worker).
 */
public final class FallbackLimiter implements Limiter {
  private final Vertx vertx;
  private final LeasingLimiter shared;
  private final RedisLimiter redis;
  private final RedisLimiter.Seeds seeds;
  private final InstantSource clock;
  private final AtomicLong localDecisions = new AtomicLong();
  /** The requests reserved locally, by their ticket: their settlement goes to the share they were taken from. */
  private final ConcurrentHashMap<Long, Share> localReservations = new ConcurrentHashMap<>();
  private final AtomicLong tickets = new AtomicLong(Admission.NO_TICKET);
  private volatile Outage outage;

  /** A customer's quota share during one outage: the stored usage when it began, and what this node spent since. */
  private record Share(String period, long storedMilli, AtomicLong spentMilli) {}

  /** One outage: the node count it divides by, its own rate buckets and quota shares. */
  private record Outage(int nodes, RateLimiter rate, ConcurrentHashMap<Account, Share> shares) {}

  public FallbackLimiter(Vertx vertx, LeasingLimiter shared, RedisLimiter redis, RedisLimiter.Seeds seeds,
      InstantSource clock) {
    this.vertx = vertx;
    this.shared = shared;
    this.redis = redis;
    this.seeds = seeds;
    this.clock = clock;
  }

  @Override
  public Future<Admission> tryAdmit(Account account, Limits limits, Units units, Instant now, boolean dryRun) {
    if (!redis.mayCall()) {
      return local(account, limits, units, now, dryRun);
    }
    return shared.tryAdmit(account, limits, units, now, dryRun)
        .onSuccess(a -> {
          if (!redis.isDown()) {
            outage = null; // Redis answers: the next outage starts afresh
          }
        })
        .recover(e -> e instanceof LimitsUnavailableException ? local(account, limits, units, now, dryRun)
            : Future.failedFuture(e));
  }

  private Future<Admission> local(Account account, Limits limits, Units units, Instant now, boolean dryRun) {
    Outage o = outage;
    if (o == null) {
      o = new Outage(Math.max(1, redis.liveNodes()), new RateLimiter(clock), new ConcurrentHashMap<>());
      outage = o;
      shared.forfeitLeases(); // their rest would come on top of the shares (it goes back to Redis later)
    }
    Outage current = o;
    BillingPeriod period = limits.quota().period().containing(LocalDate.ofInstant(now, ZoneOffset.UTC));
    Share known = current.shares.get(account);
    Future<Share> share = known != null && known.period().equals(period.label()) ? Future.succeededFuture(known)
        : vertx.executeBlocking(() -> seeds.used(account, period), false)
            .recover(e -> Future.failedFuture(new LimitsUnavailableException(
                "Redis and the stored usage are both unreachable: " + e.getMessage(), e)))
            .map(used -> current.shares.merge(account, new Share(period.label(), used.milli(), new AtomicLong()),
                (old, fresh) -> old.period().equals(fresh.period()) ? old : fresh));
    return share.map(s -> decide(current, s, account, limits, units, now, dryRun, period));
  }

  private Admission decide(Outage o, Share s, Account account, Limits limits, Units units, Instant now,
      boolean dryRun, BillingPeriod period) {
    localDecisions.incrementAndGet();
    RateLimit r = limits.rateLimit();
    RateLimit mine = new RateLimit(Math.max(1, r.requests() / o.nodes()), r.windowSeconds(),
        Math.max(1, r.burst() / o.nodes()));
    RateLimiter.Verdict rv = dryRun ? o.rate().peek(account, mine) : o.rate().tryTake(account, mine);
    if (!rv.allowed()) {
      return new Admission(rv, Optional.empty());
    }
    Quota quota = limits.quota();
    long shareMilli = Math.max(0, quota.units().milli() - s.storedMilli()) / o.nodes();
    long spent = s.spentMilli().get();
    boolean fits = spent + units.milli() <= shareMilli;
    long ticket = Admission.NO_TICKET;
    if (fits && !dryRun) {
      s.spentMilli().addAndGet(units.milli());
      ticket = tickets.incrementAndGet();
      localReservations.put(ticket, s);
    } else if (!dryRun) {
      o.rate().giveBack(account);
    }
    long used = s.storedMilli() + spent + (fits && !dryRun ? units.milli() : 0);
    return new Admission(rv, Optional.of(new QuotaLedger.Verdict(fits, new Units(used), quota.units(),
        Duration.between(now, period.end()))), ticket);
  }

  /**
   * Locally reserved requests (known by their ticket) settle against their share, and their units go to Redis later;
   * the others at once.
   */
  @Override
  public void settle(Account account, Limits limits, Units reserved, Units actual, Instant reservedAt, long ticket,
      boolean returnToken) {
    Share s = ticket == Admission.NO_TICKET ? null : localReservations.remove(ticket);
    if (s == null) {
      shared.settle(account, limits, reserved, actual, reservedAt, ticket, returnToken);
      return;
    }
    s.spentMilli().addAndGet(actual.milli() - reserved.milli());
    Outage o = outage;
    if (returnToken && o != null) {
      o.rate().giveBack(account);
    }
    if (actual.milli() > 0) {
      shared.addUsage(account, actual, reservedAt);
    }
  }

  /**
   * Always to the shared counters (paid when Redis answers): a request admitted locally had its units added to them
   * at its settlement. The local share of an outage keeps them (under-admits until Redis is back).
   */
  @Override
  public void refund(Account account, Limits limits, Units units, Instant at) {
    shared.refund(account, limits, units, at);
  }

  @Override
  public Future<Void> flush() {
    return shared.flush();
  }

  @Override
  public Future<State> state() {
    return shared.state().map(s -> s == State.DOWN ? State.FALLBACK : s);
  }

  /** Decisions made on this node's share while Redis was unreachable. */
  public long localDecisions() {
    return localDecisions.get();
  }
}
