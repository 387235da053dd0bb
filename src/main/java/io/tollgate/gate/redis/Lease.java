package io.tollgate.gate.redis;

import io.tollgate.gate.Limiter.Admission;
import io.tollgate.limits.Limits;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One node's lease on one account: rate tokens and quota units that Redis has already debited, spent here without a
 * round trip until they run out or {@code lifetime} passes; then the unused rest goes back. Also measures the
 * account's arrival rate on this node, which sizes the next lease. Thread-safe (the event loops share it).
 */
final class Lease {
  /** The unused rest of a lease, to give back to Redis. */
  record Rest(long tokens, long milli, Instant grantedAt) {
    boolean isEmpty() {
      return tokens == 0 && milli == 0;
    }
  }

  private final long lifetimeNanos;
  private Limits limits;
  private long tokens;
  private long milli;
  private long expiresAt;
  private Instant grantedAt = Instant.EPOCH;
  private Instant periodEnd = Instant.EPOCH;
  private RateLimiter.Verdict rateAtGrant;
  private QuotaLedger.Verdict quotaAtGrant;
  private long arrivals;
  private long perLifetime;
  private boolean refilling;
  private long countingSince;
  private long lastUse;

  Lease(long lifetimeNanos, long nowNanos) {
    this.lifetimeNanos = lifetimeNanos;
    this.countingSince = nowNanos;
    this.lastUse = nowNanos;
  }

  /** Admits one request of {@code units} from the lease when it holds enough for it under the same limits. */
  synchronized Optional<Admission> take(Limits asked, Units units, Instant now, long nowNanos) {
    arrivals++;
    lastUse = nowNanos;
    if (tokens < 1 || milli < units.milli() || !asked.equals(limits) || nowNanos - expiresAt >= 0
        || !now.isBefore(periodEnd)) {
      return Optional.empty();
    }
    tokens--;
    milli -= units.milli();
    RateLimiter.Verdict rv = new RateLimiter.Verdict(true, rateAtGrant.remaining() + tokens, Duration.ZERO,
        rateAtGrant.reset());
    QuotaLedger.Verdict qv = new QuotaLedger.Verdict(true, new Units(Math.max(0, quotaAtGrant.used().milli() - milli)),
        quotaAtGrant.quota(), Duration.between(now, periodEnd));
    return Optional.of(new Admission(rv, Optional.of(qv)));
  }

  /**
   * How many requests to ask for beyond the next one: what arrives here per lifetime (the last full window's count,
   * or the current window's so far when larger), at most a twentieth of the burst and a fiftieth of the quota (so
   * that leases stay small against the limits); 0 below two.
   */
  synchronized long nextSize(Limits asked, Units units, long nowNanos) {
    long elapsed = nowNanos - countingSince;
    if (elapsed >= lifetimeNanos) {
      perLifetime = (long) ((double) arrivals * lifetimeNanos / elapsed);
      arrivals = 0;
      countingSince = nowNanos;
    }
    if (refilling) {
      return 0; // one lease request at a time: the others are exact meanwhile
    }
    long want = Math.max(perLifetime, arrivals);
    want = Math.min(want, asked.rateLimit().burst() / 20);
    if (units.milli() > 0) {
      want = Math.min(want, asked.quota().units().milli() / 50 / units.milli());
    }
    refilling = want >= 2;
    return refilling ? want : 0;
  }

  /** The lease request that {@link #nextSize} allowed has come back (granted or not). */
  synchronized void answered() {
    refilling = false;
  }

  /** Holds a fresh lease of {@code requests} of {@code units}; returns the rest of the one it replaces. */
  synchronized Rest fill(Limits granted, long requests, Units units, Admission at, Instant now, Instant end,
      long nowNanos) {
    Rest old = rest();
    limits = granted;
    tokens = requests;
    milli = Math.multiplyExact(requests, units.milli());
    expiresAt = nowNanos + lifetimeNanos;
    grantedAt = now;
    periodEnd = end;
    rateAtGrant = at.rate();
    quotaAtGrant = at.quota().orElseThrow();
    return old;
  }

  /** Takes the rest out when the lease has expired (nothing when it is still running or empty). */
  synchronized Rest expire(long nowNanos) {
    return nowNanos - expiresAt >= 0 ? rest() : new Rest(0, 0, grantedAt);
  }

  /** Whether nothing asked for this account here for {@code idleNanos} and the lease is empty. */
  synchronized boolean isIdle(long nowNanos, long idleNanos) {
    return tokens == 0 && milli == 0 && nowNanos - lastUse > idleNanos;
  }

  private Rest rest() {
    Rest r = new Rest(tokens, milli, grantedAt);
    tokens = 0;
    milli = 0;
    return r;
  }
}
