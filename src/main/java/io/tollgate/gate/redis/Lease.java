package io.tollgate.gate.redis;

import io.tollgate.gate.Limiter.Admission;
import io.tollgate.limits.Limits;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One node's state for one account: its lease (rate tokens and quota units that Redis already counts as held by this
 * node, spent here without a round trip until they run out or {@code lifetime} passes), whether a lease is being
 * fetched (one at a time; requests that find the lease empty wait for it), the account's arrival rate on this node
 * (which sizes the next lease), what the node owes Redis for it (settlements coalesced until the next call; those of
 * an earlier month queued apart) and the payment being sent (one at a time, sent again until a call carrying it was
 * answered), what Redis holds for this node by the calls that were answered, and the calls in flight. Once the sweep
 * {@linkplain #retireIfIdle retired} it, it takes nothing more: whoever finds it retired looks the account up again.
 * Thread-safe (the event loops share it).
 */
final class Lease {
  private final long lifetimeNanos;
  private Limits limits;
  private long tokens;
  private long milli;
  private long size;
  private long expiresAt;
  private Instant periodEnd = Instant.EPOCH;
  private RateLimiter.Verdict rateAtGrant;
  private QuotaLedger.Verdict quotaAtGrant;
  private boolean fetching;
  private List<Runnable> waiters = new ArrayList<>();
  private long arrivals;
  private long countingSince;
  private double perSecond;
  private RedisLimiter.Owed owed = RedisLimiter.Owed.NONE;
  private long owedSince;
  private final ArrayDeque<RedisLimiter.Owed> apart = new ArrayDeque<>();
  private Optional<RedisLimiter.Payment> sending = Optional.empty();
  private boolean sendingInFlight;
  private long held;
  private int inFlight;
  private long inFlightMayReserve;
  private long lastCall;
  private long lastUse;
  private boolean retired;

  Lease(long lifetimeNanos, long nowNanos) {
    this.lifetimeNanos = lifetimeNanos;
    this.countingSince = nowNanos;
    this.lastUse = nowNanos;
    this.lastCall = nowNanos;
  }

  /** Counts one request's arrival, for the rate that sizes leases; false (nothing counted) once retired. */
  synchronized boolean arrived(long nowNanos) {
    if (retired) {
      return false;
    }
    arrivals++;
    lastUse = nowNanos;
    long elapsed = nowNanos - countingSince;
    if (elapsed >= lifetimeNanos) {
      double current = arrivals * 1e9 / elapsed;
      perSecond = perSecond == 0 ? current : (perSecond + current) / 2;
      arrivals = 0;
      countingSince = nowNanos;
    }
    return true;
  }

  /** Admits one request of {@code units} from the lease when it holds enough for it under the same limits. */
  synchronized Optional<Admission> take(Limits asked, Units units, Instant now, long nowNanos) {
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

  /** Whether a lease is being fetched now: a request the lease cannot admit waits for it rather than call Redis. */
  synchronized boolean isFetching() {
    return fetching;
  }

  /**
   * Starts fetching a lease of requests of {@code units} when none is being fetched and this node's traffic makes
   * one worth it; returns its size (requests), or 0 (the caller decides exactly, with no lease).
   *
   * <p>The size is what arrives here in {@code lifetime} at the measured rate (or what arrived in the current window
   * so far, when more), at most a twentieth of the burst and a
   * fiftieth of the quota (so that leases stay small against the limits), less what is left of the current lease
   * (which the new one is added to, so that what this node holds never passes those bounds); none below two.
   */
  synchronized long startFetch(Limits asked, Units units, long nowNanos) {
    if (fetching) {
      return 0;
    }
    long want = Math.max((long) Math.ceil(perSecond * lifetimeNanos / 1e9), arrivals);
    long cap = asked.rateLimit().burst() / 20;
    if (units.milli() > 0) {
      cap = Math.min(cap, asked.quota().units().milli() / 50 / units.milli());
    }
    want = Math.min(want, cap - restRequests(asked, units, nowNanos));
    fetching = want >= 2;
    return fetching ? want : 0;
  }

  /** The requests of {@code units} that the current lease still admits under {@code asked}, kept when refilled. */
  private long restRequests(Limits asked, Units units, long nowNanos) {
    if (!asked.equals(limits) || nowNanos - expiresAt >= 0) {
      return 0;
    }
    return units.milli() > 0 ? Math.min(tokens, milli / units.milli()) : tokens;
  }

  /** The fetch that {@link #startFetch} allowed has come back (granted or not): runs what waited for it. */
  void fetched() {
    List<Runnable> waited;
    synchronized (this) {
      fetching = false;
      waited = waiters;
      waiters = new ArrayList<>();
    }
    waited.forEach(Runnable::run);
  }

  /** Runs {@code then} once the lease being fetched has come back (at once when none is being fetched). */
  void whenFetched(Runnable then) {
    synchronized (this) {
      if (fetching) {
        waiters.add(then);
        return;
      }
    }
    then.run();
  }

  /**
   * Whether the lease is running low (a quarter of it left, or a quarter of its life), so that the next one should
   * be fetched while this one still admits.
   */
  synchronized boolean isLow(Limits asked, long nowNanos) {
    return !fetching && asked.equals(limits) && tokens > 0 && nowNanos - expiresAt < 0
        && (tokens * 4 <= size || expiresAt - nowNanos <= lifetimeNanos / 4);
  }

  /**
   * Holds a fresh lease of {@code requests} of {@code units} that Redis granted: added to what is left of the
   * current one when that is for the same limits and period, which replaces it otherwise (its rest is then owed
   * back). The lease lives {@code lifetime} from now.
   */
  synchronized void fill(Limits granted, long requests, Units units, Admission at, Instant now, Instant end,
      long nowNanos) {
    boolean sameLease = granted.equals(limits) && end.equals(periodEnd) && nowNanos - expiresAt < 0;
    if (!sameLease) {
      giveBackRest();
    }
    limits = granted;
    tokens += requests;
    milli += Math.multiplyExact(requests, units.milli());
    size = requests;
    expiresAt = nowNanos + lifetimeNanos;
    periodEnd = end;
    rateAtGrant = at.rate();
    quotaAtGrant = at.quota().orElseThrow();
  }

  /** Owes the rest back now. */
  synchronized void forfeit() {
    giveBackRest();
  }

  /** Owes the rest back once the lease has expired. */
  synchronized void expire(long nowNanos) {
    if (nowNanos - expiresAt >= 0) {
      giveBackRest();
    }
  }

  private void giveBackRest() {
    if (tokens > 0 || milli > 0) {
      add(new RedisLimiter.Owed(milli, tokens, 0, LocalDate.EPOCH), System.nanoTime());
    }
    tokens = 0;
    milli = 0;
  }

  /**
   * Owes {@code o} to Redis, coalesced with what is owed already; what was owed before is queued apart when it cannot
   * be added (settled units of another month: other counters). False (nothing owed here) once retired.
   */
  synchronized boolean owe(RedisLimiter.Owed o, long nowNanos) {
    if (retired) {
      return false;
    }
    add(o, nowNanos);
    return true;
  }

  private void add(RedisLimiter.Owed o, long nowNanos) {
    if (owed.isEmpty()) {
      owedSince = nowNanos;
    } else if (o.settledMilli() != 0 && !owed.samePeriods(o.day())) {
      apart.add(owed);
      owed = RedisLimiter.Owed.NONE;
      owedSince = nowNanos;
    }
    owed = owed.plus(o);
  }

  /**
   * Starts a call that reserves at most {@code mayReserve}: it carries the payment being sent (made of what was queued
   * apart first, else of what is owed) unless a call in flight carries it, or it is of another month than {@code day}
   * (an admission's; empty: a call only to pay, which may carry any). It says the most Redis can hold for this node
   * once the payment is applied (what answered calls hold, plus what the calls in flight may reserve), so that what
   * calls given up on reserved is dropped.
   */
  synchronized RedisLimiter.Call begin(Optional<LocalDate> day, long mayReserve, LongSupplier ids, long nowNanos) {
    RedisLimiter.Payment carried = RedisLimiter.Payment.NONE;
    if (!sendingInFlight) {
      if (sending.isEmpty() && (!apart.isEmpty() || !owed.isEmpty())) {
        RedisLimiter.Owed next = apart.poll();
        if (next == null) {
          next = owed;
          owed = RedisLimiter.Owed.NONE;
        }
        sending = Optional.of(new RedisLimiter.Payment(ids.getAsLong(), next));
      }
      if (sending.isPresent() && day.map(d -> sending.get().owed().samePeriods(d)).orElse(true)) {
        carried = sending.get();
        sendingInFlight = true;
      }
    }
    long most = Math.max(0, held - carried.owed().heldMilli()) + inFlightMayReserve;
    RedisLimiter.Call call = new RedisLimiter.Call(ids.getAsLong(), most, inFlight == 0, mayReserve, carried);
    inFlight++;
    inFlightMayReserve += mayReserve;
    lastCall = nowNanos;
    return call;
  }

  /**
   * A call {@link #begin} started has ended: {@code answered} by Redis, holding {@code reservedMilli} more for this
   * node (a reservation, with its lease), or failed (timed out, broke, refused): its payment is sent again.
   */
  synchronized void ended(RedisLimiter.Call call, boolean answered, long reservedMilli) {
    inFlight--;
    inFlightMayReserve -= call.mayReserve();
    if (call.payment().id() != 0) {
      sendingInFlight = false;
      if (answered) {
        held = Math.max(0, held - call.payment().owed().heldMilli());
        sending = Optional.empty();
      }
    }
    if (answered) {
      held += reservedMilli;
    }
  }

  /**
   * Whether a call should be made only to pay (a payment waits to be sent, or sent again; or what is owed waited
   * {@code maxOwedNanos}) or to renew the expiry of what this node holds in Redis (no call for {@code renewNanos}).
   */
  synchronized boolean needsPaying(long nowNanos, long maxOwedNanos, long renewNanos) {
    return hasPayment() && (sending.isPresent() || !apart.isEmpty() || nowNanos - owedSince >= maxOwedNanos)
        || (held > 0 && inFlight == 0 && nowNanos - lastCall >= renewNanos);
  }

  /** Whether something is to be paid that no call in flight carries. */
  synchronized boolean hasPayment() {
    return !sendingInFlight && (sending.isPresent() || !apart.isEmpty() || !owed.isEmpty());
  }

  /**
   * Whether nothing asked for this account here for {@code idleNanos}, and nothing is leased, held, owed or in
   * flight.
   */
  synchronized boolean isIdle(long nowNanos, long idleNanos) {
    return tokens == 0 && milli == 0 && held == 0 && owed.isEmpty() && apart.isEmpty() && sending.isEmpty()
        && inFlight == 0 && !fetching && nowNanos - lastUse > idleNanos;
  }

  /** Retires it when {@linkplain #isIdle idle}, for the sweep to forget: it takes nothing more after. */
  synchronized boolean retireIfIdle(long nowNanos, long idleNanos) {
    retired = isIdle(nowNanos, idleNanos);
    return retired;
  }
}
