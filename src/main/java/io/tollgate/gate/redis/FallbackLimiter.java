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
import java.util.concurrent.atomic.AtomicReference;

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
  private final AtomicReference<Outage> outage = new AtomicReference<>();

  /** A customer's quota share during one outage: the stored usage when it began, and what this node spent since. */
  private record Share(String period, long storedMilli, AtomicLong spentMilli) {}

  /**
   * One outage: the Redis answers counted when it began (it ends only once Redis answered again, never because a lease
   * admitted a request meanwhile), the node count it divides by, its own rate buckets and quota shares.
   */
  private record Outage(long answersAtStart, int nodes, RateLimiter rate, ConcurrentHashMap<Account, Share> shares) {}

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
    Outage o = outage.get();
    if (o != null && redis.answers() > o.answersAtStart()) {
      outage.compareAndSet(o, null); // Redis answered since it began: the next outage starts afresh
    }
    return shared.tryAdmit(account, limits, units, now, dryRun)
        .recover(e -> e instanceof LimitsUnavailableException ? local(account, limits, units, now, dryRun)
            : Future.failedFuture(e));
  }

  private Future<Admission> local(Account account, Limits limits, Units units, Instant now, boolean dryRun) {
    Outage current = currentOutage();
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

  /**
   * The outage going on, begun by exactly one caller (two event loops noticing it at once would each start one, and
   * the requests decided on the one replaced would have spent a share nobody counts).
   */
  private Outage currentOutage() {
    while (true) {
      Outage o = outage.get();
      if (o != null) {
        return o;
      }
      Outage fresh = new Outage(redis.answers(), Math.max(1, redis.liveNodes()), new RateLimiter(clock),
          new ConcurrentHashMap<>());
      if (outage.compareAndSet(null, fresh)) {
        shared.forfeitLeases(); // their rest would come on top of the shares (it goes back to Redis later)
        return fresh;
      }
    }
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
    long spent;
    boolean fits;
    do { // taken in one step: two threads that both read the rest as free would both take it
      spent = s.spentMilli().get();
      fits = spent + units.milli() <= shareMilli;
    } while (fits && !dryRun && !s.spentMilli().compareAndSet(spent, spent + units.milli()));
    long ticket = Admission.NO_TICKET;
    if (fits && !dryRun) {
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
    Outage o = outage.get();
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
