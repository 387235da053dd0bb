package io.tollgate.gate.redis;

import io.tollgate.gate.Limiter;
import io.tollgate.limits.Account;
import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.Limits;
import io.tollgate.limits.Quota;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits and quotas shared by every node, in one Redis: per account one token bucket
 * ({@code tg:{customer}:rate:<created>}) and one counter per month and year ({@code tg:{customer}:quota:<period>:<created>}),
 * where {@code <created>} is the account's creation in epoch milliseconds, so a customer created again inherits
 * nothing. Each decision is one {@code admit.lua} call (exact: no node admits on a stale count), each settlement one
 * {@code settle.lua}; the scripts take the time from Redis, so the nodes' clocks do not matter. A counter missing in
 * Redis is seeded with the usage the store held when this node started. A call that takes longer than the timeout,
 * or fails, counts against a circuit breaker and the decision fails with {@link LimitsUnavailableException}.
 * Thread-safe; never blocks: futures complete on the caller's context.
 */
public final class RedisLimiter implements Limiter, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimiter.class);
  private static final LuaScript ADMIT = LuaScript.load("admit.lua");
  private static final LuaScript SETTLE = LuaScript.load("settle.lua");
  /** Counters outlive their period by this much, so that late settlements still find them. */
  private static final Duration KEEP_AFTER_PERIOD = Duration.ofDays(35);

  private final Vertx vertx;
  private final Redis client;
  private final RedisAPI api;
  private final QuotaLedger seeds;
  private final long timeoutMillis;
  private final CircuitBreaker breaker = new CircuitBreaker(3, TimeUnit.SECONDS.toNanos(1));
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  private RedisLimiter(Vertx vertx, Redis client, QuotaLedger seeds, Duration timeout) {
    this.vertx = vertx;
    this.client = client;
    this.api = RedisAPI.api(client);
    this.seeds = seeds;
    this.timeoutMillis = timeout.toMillis();
  }

  /**
   * A limiter on the Redis at {@code url} ({@code redis://[:password@]host:port[/db]}, {@code rediss://} for TLS);
   * connects lazily. {@code seeds} gives the stored usage of counters that Redis does not hold yet.
   */
  public static RedisLimiter connect(Vertx vertx, String url, Duration timeout, QuotaLedger seeds) {
    RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxWaitingHandlers(4096);
    return new RedisLimiter(vertx, Redis.createClient(vertx, options), seeds, timeout);
  }

  /**
   * An admission, with the lease that came with it.
   *
   * @param admission the limits' answer for this request
   * @param leased further requests of the same units debited with it (0: none), for the node to admit locally
   */
  record Grant(Admission admission, long leased) {}

  @Override
  public Future<Admission> tryAdmit(Account account, Limits limits, Units units, Instant now, boolean dryRun) {
    return admit(account, limits, units, now, dryRun, 0).map(Grant::admission);
  }

  /** As {@link #tryAdmit}, asking for a lease of {@code lease} more requests, granted only far from the limits. */
  Future<Grant> admit(Account account, Limits limits, Units units, Instant now, boolean dryRun, long lease) {
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Quota quota = limits.quota();
    BillingPeriod checked = quota.period().containing(day);
    BillingPeriod other = (quota.period() == QuotaPeriod.MONTH ? QuotaPeriod.YEAR : QuotaPeriod.MONTH).containing(day);
    var rate = limits.rateLimit();
    List<String> keys = List.of(rateKey(account), quotaKey(account, checked), quotaKey(account, other));
    List<String> args = List.of(Long.toString(rate.requests()), Long.toString(rate.windowSeconds()),
        Long.toString(rate.burst()), Long.toString(quota.units().milli()), Long.toString(units.milli()),
        Long.toString(seed(account, checked, now)), Long.toString(seed(account, other, now)),
        Long.toString(ttlSeconds(checked, now)), Long.toString(ttlSeconds(other, now)), dryRun ? "1" : "0",
        Long.toString(lease));
    Duration untilReset = Duration.between(now, checked.end());
    return call(ADMIT, keys, args).map(r -> new Grant(admission(r, quota, untilReset), r.get(6).toLong()));
  }

  private static Admission admission(Response r, Quota quota, Duration untilReset) {
    boolean rateAllowed = r.get(0).toLong() == 1;
    RateLimiter.Verdict rv = new RateLimiter.Verdict(rateAllowed, r.get(1).toLong(),
        Duration.ofMillis(r.get(2).toLong()), Duration.ofMillis(r.get(3).toLong()));
    long quotaAllowed = r.get(4).toLong();
    if (quotaAllowed < 0) {
      return new Admission(rv, Optional.empty());
    }
    QuotaLedger.Verdict qv = new QuotaLedger.Verdict(quotaAllowed == 1, new Units(Math.max(0, r.get(5).toLong())),
        quota.units(), untilReset);
    return new Admission(rv, Optional.of(qv));
  }

  @Override
  public void settle(Account account, Limits limits, Units reserved, Units actual, Instant reservedAt,
      boolean returnToken) {
    adjust(account, actual.milli() - reserved.milli(), returnToken ? 1 : 0, reservedAt);
  }

  /**
   * Adds {@code deltaMilli} to the counters of {@code at}'s month and year and gives {@code tokens} back to the
   * bucket: a settlement, or the unused rest of a lease. Fire and forget: a failure leaves the units counted.
   */
  void adjust(Account account, long deltaMilli, long tokens, Instant at) {
    long delta = deltaMilli;
    if (delta == 0 && tokens == 0) {
      return;
    }
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    List<String> keys = List.of(quotaKey(account, QuotaPeriod.MONTH.containing(day)),
        quotaKey(account, QuotaPeriod.YEAR.containing(day)), rateKey(account));
    call(SETTLE, keys, List.of(Long.toString(delta), Long.toString(tokens))).onFailure(e ->
        LOG.warn("a settlement of {} milli-units for {} was not written to Redis (they stay counted): {}", delta,
            account.customerId(), e.toString()));
  }

  /** A {@code PING} within the timeout; its outcome moves the circuit breaker like any call. */
  @Override
  public Future<Boolean> probe() {
    Context context = vertx.getOrCreateContext();
    Promise<Boolean> done = Promise.promise();
    api.ping(List.of()).timeout(timeoutMillis, TimeUnit.MILLISECONDS).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded()) {
        breaker.succeeded();
      } else {
        breaker.failed(System.nanoTime());
      }
      done.complete(ar.succeeded());
    }));
    return done.future();
  }

  @Override
  public boolean isShared() {
    return true;
  }

  /** Redis calls so far, and how many of them failed or were refused by the open circuit. */
  public long calls() {
    return calls.get();
  }

  public long failures() {
    return failures.get();
  }

  /** Whether the last calls to Redis failed: the gate answers {@code limits_unavailable} meanwhile. */
  public boolean isDown() {
    return breaker.isOpen();
  }

  private Future<Response> call(LuaScript script, List<String> keys, List<String> args) {
    calls.incrementAndGet();
    Context context = vertx.getOrCreateContext();
    long started = System.nanoTime();
    if (!breaker.allows(started)) {
      failures.incrementAndGet();
      return Future.failedFuture(new LimitsUnavailableException("the circuit to Redis is open", null));
    }
    Promise<Response> done = Promise.promise();
    script.run(api, keys, args).timeout(timeoutMillis, TimeUnit.MILLISECONDS).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded()) {
        breaker.succeeded();
        done.complete(ar.result());
      } else {
        breaker.failed(System.nanoTime());
        failures.incrementAndGet();
        done.fail(new LimitsUnavailableException("Redis did not answer: " + ar.cause().getMessage(), ar.cause()));
      }
    }));
    return done.future();
  }

  private long seed(Account account, BillingPeriod period, Instant now) {
    return seeds.peek(account, new Quota(Units.ZERO, period.length()), Units.ZERO, now).used().milli();
  }

  private static long ttlSeconds(BillingPeriod period, Instant now) {
    return Math.max(1, Duration.between(now, period.end()).plus(KEEP_AFTER_PERIOD).toSeconds());
  }

  static String rateKey(Account account) {
    return "tg:{" + account.customerId() + "}:rate:" + account.createdAt().toEpochMilli();
  }

  static String quotaKey(Account account, BillingPeriod period) {
    return "tg:{" + account.customerId() + "}:quota:" + period.label() + ":" + account.createdAt().toEpochMilli();
  }

  @Override
  public void close() {
    client.close();
  }
}
