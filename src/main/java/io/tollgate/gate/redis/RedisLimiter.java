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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits and quotas shared by every node, in one Redis: per account one token bucket ({@code
 * tg:{customer}:rate:<created>}), one counter of settled units per month and year ({@code
 * tg:{customer}:quota:<period>:<created>}) and the units each node holds reserved and not settled yet ({@code
 * tg:{customer}:held:<created>}, per run of a node with an expiry of {@link #HOLD_TTL} that each of its calls renews,
 * then converted to settled units), and per run the last payment applied, the calls that ran and the units converted
 * ({@code tg:{customer}:calls:<created>}), where {@code <created>}
 * is the account's creation in epoch milliseconds, so a customer created again inherits nothing. Every operation is one
 * {@code limits.lua} call, which first applies what the node pays ({@link Payment}: coalesced settlements, the rest of
 * a lease, applied once however often it is sent) and then decides; the script takes the time from Redis, so the nodes'
 * clocks do not matter. A counter missing in Redis (first use, or Redis lost its data) is seeded from the store's usage
 * now ({@link Seeds}), read off the event loop. A call that takes longer than the timeout, or fails, counts against a
 * circuit breaker and the decision fails with {@link LimitsUnavailableException}. Every two seconds the node also beats
 * in {@code tg:nodes}, which says how many nodes are alive ({@link #liveNodes()}).
 * Thread-safe; never blocks: futures complete on the caller's context.
 */
public final class RedisLimiter implements Limiter, AutoCloseable {
  /**
   * How long a node's held units stay its own after its last call: a node that stops calling then has them counted
   * as used (they include the requests it answered and had not paid yet); paid later, they are counted once.
   */
  public static final Duration HOLD_TTL = Duration.ofSeconds(3);
  /** How long a node's heartbeat counts it as alive. */
  static final Duration NODE_TTL = Duration.ofSeconds(6);
  /** How often a node beats. */
  static final Duration BEAT_EVERY = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimiter.class);
  private static final LuaScript LIMITS = LuaScript.load("limits.lua");
  private static final LuaScript HEARTBEAT = LuaScript.load("heartbeat.lua");
  /** Counters outlive their period by this much, so that late settlements still find them. */
  private static final Duration KEEP_AFTER_PERIOD = Duration.ofDays(35);
  private static final String NO_SEED = "-1";
  private static final int POOL = 8;
  private static final int MAX_POOL_WAITING = 4096;

  /** The stored usage of an account in a period: what a counter missing in Redis starts from. Blocking. */
  @FunctionalInterface
  public interface Seeds {
    Units used(Account account, BillingPeriod period);

    /** The usage a ledger was seeded with (the store as read at start): for tests. */
    static Seeds of(QuotaLedger ledger) {
      return (account, period) -> ledger.peek(account, new Quota(Units.ZERO, period.length()), Units.ZERO,
          period.start()).used();
    }
  }

  /**
   * What a node owes Redis for one account, sent with its next call: held units to release (settled reservations,
   * the rest of a lease), rate tokens to give back, and settled units to add to the counters of {@code day}'s month
   * and year.
   */
  record Owed(long heldMilli, long tokens, long settledMilli, LocalDate day) {
    static final Owed NONE = new Owed(0, 0, 0, LocalDate.EPOCH);

    boolean isEmpty() {
      return heldMilli == 0 && tokens == 0 && settledMilli == 0;
    }

    /** Whether the settled units belong to the same month (and so year) as {@code other}. */
    boolean samePeriods(LocalDate other) {
      return settledMilli == 0 || (day.getYear() == other.getYear() && day.getMonth() == other.getMonth());
    }

    Owed plus(Owed o) {
      return new Owed(heldMilli + o.heldMilli, tokens + o.tokens, settledMilli + o.settledMilli,
          settledMilli == 0 ? o.day : day);
    }
  }

  /**
   * What a node owes, with an id that Redis remembers for the node's run (this process): the same payment sent
   * again (its first call timed out or broke, and may or may not have run) is applied once. Ids increase per run
   * ({@link #nextId()}); a node has at most one payment with an id in flight per account, and sends the next only
   * once the last one was answered, so Redis needs to keep only the highest. Id 0: applied whenever it
   * arrives (sent once, never again).
   */
  record Payment(long id, Owed owed) {
    static final Payment NONE = new Payment(0, Owed.NONE);
  }

  /**
   * One call of this node for one account, as the script needs it to drop what calls the node gave up on (timed
   * out) and that ran anyway reserved: units the node does not know it holds.
   *
   * @param seq increasing per node ({@link #nextId()}); 0: not tracked (a dry run, a bare settlement)
   * @param mostHeld the most this node can hold in Redis for the account once {@code payment} is applied: what the
   *     answered calls hold plus what the calls in flight may reserve; -1: not known
   * @param quiet no other call of this node for the account was in flight as this one was sent, so that every older
   *     call still to land is one the node gave up on
   * @param mayReserve the most this call reserves (its request and lease)
   * @param payment what the call pays first
   */
  record Call(long seq, long mostHeld, boolean quiet, long mayReserve, Payment payment) {
    static final Call NONE = new Call(0, -1, false, 0, Payment.NONE);

    /** A call sent once and not tracked, paying {@code payment}. */
    static Call untracked(Payment payment) {
      return new Call(0, -1, false, 0, payment);
    }

    /** The same call with nothing to pay, nor to cut down (the seeding second half of an admission). */
    Call unpaid() {
      return new Call(seq, -1, false, mayReserve, Payment.NONE);
    }
  }

  /**
   * An admission, with the lease that came with it.
   *
   * @param admission the limits' answer for this request
   * @param leased further requests of the same units reserved with it (0: none), for the node to admit locally
   */
  record Grant(Admission admission, long leased) {}

  private final Vertx vertx;
  private final Redis client;
  private final RedisAPI api;
  private final Seeds seeds;
  private final String nodeId;
  /** This process of the node: payment ids and call sequences are remembered per run, whatever the clock does. */
  private final String run = UUID.randomUUID().toString();
  private final long timeoutMillis;
  private final CircuitBreaker breaker = new CircuitBreaker(3, TimeUnit.SECONDS.toNanos(1));
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong answers = new AtomicLong();
  private final AtomicInteger liveNodes = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final long heartbeatTimer;

  private RedisLimiter(Vertx vertx, Redis client, Seeds seeds, String nodeId, Duration timeout) {
    this.vertx = vertx;
    this.client = client;
    this.api = RedisAPI.api(client);
    this.seeds = seeds;
    this.nodeId = nodeId;
    this.timeoutMillis = timeout.toMillis();
    this.heartbeatTimer = vertx.setPeriodic(1, BEAT_EVERY.toMillis(), id -> heartbeat());
  }

  /**
   * A limiter on the Redis at {@code url} ({@code redis://[:password@]host:port[/db]}, {@code rediss://} for TLS)
   * for the node {@code nodeId}; connects lazily. {@code seeds} gives the stored usage of counters that Redis does
   * not hold.
   */
  public static RedisLimiter connect(Vertx vertx, String url, Duration timeout, Seeds seeds, String nodeId) {
    // A call waiting for one of the POOL connections is bounded by the call timeout, not by the client's default
    // wait queue of 24, which refused calls with limits_unavailable as soon as more customers decided at once.
    RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(POOL).setMaxWaitingHandlers(4096)
        .setMaxPoolWaiting(MAX_POOL_WAITING).setPoolRecycleTimeout((int) Duration.ofMinutes(10).toMillis());
    RedisLimiter limiter = new RedisLimiter(vertx, Redis.createClient(vertx, options), seeds, nodeId, timeout);
    limiter.warmUp();
    return limiter;
  }

  /**
   * Opens the pool's connections before the first burst of requests needs them: a connection opened on demand can take
   * longer than the timeout on a busy machine. Kept open (recycled only after 10 idle minutes).
   */
  private void warmUp() {
    for (int i = 0; i < POOL; i++) {
      api.ping(List.of());
    }
  }

  @Override
  public Future<Admission> tryAdmit(Account account, Limits limits, Units units, Instant now, boolean dryRun) {
    return admit(account, limits, units, now, dryRun, 0, Call.NONE).map(Grant::admission);
  }

  /** An id for a payment or a call of this node's run: increasing (from the clock, in microseconds, or more). */
  long nextId() {
    return ids.updateAndGet(prev -> Math.max(prev + 1, System.currentTimeMillis() * 1000));
  }

  /**
   * As {@link #tryAdmit}, asking for a lease of {@code lease} more requests (granted only far from the limits), as
   * {@code call}, which pays first (its settled units of {@code now}'s month). When the call fails, its payment may
   * or may not have been applied: sent again with its id, it is applied once.
   */
  Future<Grant> admit(Account account, Limits limits, Units units, Instant now, boolean dryRun, long lease,
      Call call) {
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (!call.payment().owed().samePeriods(day)) {
      return Future.failedFuture(new IllegalArgumentException("a payment of another month rides on no admission"));
    }
    Quota quota = limits.quota();
    BillingPeriod checked = quota.period().containing(day);
    BillingPeriod other = (quota.period() == QuotaPeriod.MONTH ? QuotaPeriod.YEAR : QuotaPeriod.MONTH).containing(day);
    Duration untilReset = Duration.between(now, checked.end());
    return decide(account, limits, units, now, dryRun, lease, call, checked, other, NO_SEED, NO_SEED)
        .compose(r -> r.get(4).toLong() != -2 ? Future.succeededFuture(r)
            : vertx.executeBlocking(() -> List.of(seeds.used(account, checked), seeds.used(account, other)), false)
                .recover(e -> {
                  LOG.warn("the stored usage of {} could not be read to seed its shared counters: {}",
                      account.customerId(), e.toString());
                  return Future.failedFuture(new LimitsUnavailableException("the stored usage could not be read: "
                    + e.getMessage(), e));
                })
                .compose(s -> decide(account, limits, units, now, dryRun, lease, call.unpaid(), checked, other,
                    Long.toString(s.get(0).milli()), Long.toString(s.get(1).milli()))))
        .map(r -> new Grant(admission(r, quota, untilReset), r.get(6).toLong()));
  }

  private Future<Response> decide(Account account, Limits limits, Units units, Instant now, boolean dryRun,
      long lease, Call call, BillingPeriod checked, BillingPeriod other, String seedChecked, String seedOther) {
    var rate = limits.rateLimit();
    List<String> keys = List.of(rateKey(account), quotaKey(account, checked), quotaKey(account, other),
        heldKey(account), callsKey(account));
    List<String> args = new ArrayList<>(paying("admit", call));
    args.addAll(List.of(Long.toString(rate.requests()),
        Long.toString(rate.windowSeconds()), Long.toString(rate.burst()), Long.toString(limits.quota().units().milli()),
        Long.toString(units.milli()), seedChecked, seedOther, Long.toString(ttlSeconds(checked, now)),
        Long.toString(ttlSeconds(other, now)), dryRun ? "1" : "0", Long.toString(lease)));
    return call(LIMITS, keys, args).compose(RedisLimiter::live);
  }

  /** The script's first ten arguments: the operation, this node, and what {@code call} pays and says. */
  private List<String> paying(String operation, Call call) {
    Owed owed = call.payment().owed();
    return List.of(operation, nodeId + "|" + run, Long.toString(HOLD_TTL.toMillis()),
        Long.toString(owed.heldMilli()), Long.toString(owed.tokens()), Long.toString(owed.settledMilli()),
        Long.toString(call.payment().id()), Long.toString(call.seq()), Long.toString(call.mostHeld()),
        call.quiet() ? "1" : "0");
  }

  /**
   * The script's answer, unless it did nothing for a call this node had given up on: that can only be a call whose
   * answer nobody waits for any more (a timed-out one), so it fails like one.
   */
  private static Future<Response> live(Response r) {
    return r.size() == 1 && r.get(0).toLong() == -1
        ? Future.failedFuture(new LimitsUnavailableException("a call given up on ran late and was ignored", null))
        : Future.succeededFuture(r);
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

  /**
   * Settles at once, one call per settlement, sent once (the leasing limiter, which the gate uses, coalesces them and
   * pays again until Redis answered).
   */
  @Override
  public void settle(Account account, Limits limits, Units reserved, Units actual, Instant reservedAt, long ticket,
      boolean returnToken) {
    payOnce(account, new Owed(reserved.milli(), returnToken ? 1 : 0, actual.milli(),
        LocalDate.ofInstant(reservedAt, ZoneOffset.UTC))).onFailure(e -> LOG.warn(
            "a settlement for {} was not written to Redis (its units stay held until they expire): {}",
            account.customerId(), e.toString()));
  }

  /** A negative settlement: the counters of {@code at}'s month and year lose {@code units} (never below zero). */
  @Override
  public void refund(Account account, Limits limits, Units units, Instant at) {
    payOnce(account, new Owed(0, 0, -units.milli(), LocalDate.ofInstant(at, ZoneOffset.UTC))).onFailure(e -> LOG.warn(
        "a refund for {} was not written to Redis (its units stay counted): {}", account.customerId(), e.toString()));
  }

  private Future<Void> payOnce(Account account, Owed owed) {
    return pay(account, Call.untracked(new Payment(0, owed)));
  }

  /**
   * Applies what {@code call} pays for {@code account} (of its own month; also renewing the expiry of what this node
   * still holds). Fails when Redis could not be reached or did not answer in time; the payment may have been applied
   * all the same, and is applied once when sent again with its id.
   */
  Future<Void> pay(Account account, Call call) {
    Owed owed = call.payment().owed();
    LocalDate day = owed.settledMilli() == 0 ? LocalDate.now(ZoneOffset.UTC) : owed.day();
    List<String> keys = List.of(rateKey(account), quotaKey(account, QuotaPeriod.MONTH.containing(day)),
        quotaKey(account, QuotaPeriod.YEAR.containing(day)), heldKey(account), callsKey(account));
    return call(LIMITS, keys, paying("settle", call)).compose(RedisLimiter::live).mapEmpty();
  }

  /** {@code SHARED} when a {@code PING} answers within the timeout, else {@code DOWN}. */
  @Override
  public Future<State> state() {
    return probe().map(up -> up ? State.SHARED : State.DOWN);
  }

  /** A {@code PING} within the timeout; its outcome moves the circuit breaker like any call. */
  Future<Boolean> probe() {
    Context context = vertx.getOrCreateContext();
    Promise<Boolean> done = Promise.promise();
    api.ping(List.of()).timeout(timeoutMillis, TimeUnit.MILLISECONDS).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded()) {
        breaker.succeeded();
        answers.incrementAndGet();
      } else {
        breaker.failed(System.nanoTime());
      }
      done.complete(ar.succeeded());
    }));
    return done.future();
  }

  /** Redis calls so far, and how many of them failed or were refused by the open circuit. */
  public long calls() {
    return calls.get();
  }

  public long failures() {
    return failures.get();
  }

  /** Whether the last calls to Redis failed. */
  public boolean isDown() {
    return breaker.isOpen();
  }

  /** How many calls Redis has answered so far (heartbeats and probes included): moves only when Redis is reachable. */
  long answers() {
    return answers.get();
  }

  /** Whether a call may be tried now (the circuit is closed, or its pause is over). */
  boolean mayCall() {
    return breaker.allows(System.nanoTime());
  }

  /** The nodes whose heartbeat Redis held at the last successful beat (this one included); 0 before the first. */
  public int liveNodes() {
    return liveNodes.get();
  }

  /** Counted as a call; its failures are not (they would say nothing the decisions do not), its success closes. */
  private void heartbeat() {
    calls.incrementAndGet();
    Context context = vertx.getOrCreateContext();
    HEARTBEAT.run(api, List.of("tg:nodes"), List.of(nodeId, Long.toString(NODE_TTL.toMillis())))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS).onSuccess(r -> context.runOnContext(v -> {
          breaker.succeeded();
          answers.incrementAndGet();
          liveNodes.set(Math.max(1, r.toInteger()));
        }));
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
        answers.incrementAndGet();
        done.complete(ar.result());
      } else {
        breaker.failed(System.nanoTime());
        failures.incrementAndGet();
        done.fail(new LimitsUnavailableException("Redis did not answer: " + ar.cause().getMessage(), ar.cause()));
      }
    }));
    return done.future();
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

  static String heldKey(Account account) {
    return "tg:{" + account.customerId() + "}:held:" + account.createdAt().toEpochMilli();
  }

  static String callsKey(Account account) {
    return "tg:{" + account.customerId() + "}:calls:" + account.createdAt().toEpochMilli();
  }

  @Override
  public void close() {
    vertx.cancelTimer(heartbeatTimer);
    client.close();
  }
}
