package io.tollgate.gate;

import io.tollgate.limits.Account;
import io.tollgate.limits.Limits;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * What the decision path asks of the limits: "may this customer spend one request and {@code n} units now?", and,
 * once the engine answered, "keep this many of the units reserved". Two mechanisms: the node's own counters
 * ({@code LocalLimiter}, exact on one node) and counters shared by every node ({@code RedisLimiter}). Both answer
 * without blocking the event loop; the local one at once. Thread-safe.
 */
public interface Limiter {

  /**
   * The limits' answer.
   *
   * @param rate the rate limit after taking a token (or peeking)
   * @param quota the quota after reserving (or peeking); empty when the rate limit refused first
   * @param ticket which reservation this is, to {@linkplain #settle settle} it with: unique per reservation for a
   *     limiter that tells reservations apart, {@link #NO_TICKET} otherwise
   */
  record Admission(RateLimiter.Verdict rate, Optional<QuotaLedger.Verdict> quota, long ticket) {
    public static final long NO_TICKET = 0;

    public Admission(RateLimiter.Verdict rate, Optional<QuotaLedger.Verdict> quota) {
      this(rate, quota, NO_TICKET);
    }

    public boolean allowed() {
      return rate.allowed() && quota.map(QuotaLedger.Verdict::allowed).orElse(false);
    }
  }

  /**
   * Takes one rate token and reserves {@code units} when both fit (nothing is taken when either refuses); with
   * {@code dryRun} only looks. Fails with {@link LimitsUnavailableException} when the counters cannot be reached.
   */
  Future<Admission> tryAdmit(Account account, Limits limits, Units units, Instant now, boolean dryRun);

  /**
   * Settles a reservation of {@code reserved} units made at {@code reservedAt}, the admission's {@code ticket}: keeps
   * {@code actual} instead ({@code Units.ZERO} releases it); with {@code returnToken} the request's rate token is
   * given back too. Never throws for an unreachable backend: a settlement that cannot be written leaves the units
   * counted (under-admits).
   */
  void settle(Account account, Limits limits, Units reserved, Units actual, Instant reservedAt, long ticket,
      boolean returnToken);

  /**
   * Gives back {@code units} of a request that was already {@linkplain #settle settled} with them and then un-billed
   * (its usage taken back, or never recorded): they stop counting against the quota of {@code at}'s period. Not the
   * same as settling again, which for a shared backend would release units held for other requests in flight.
   * Never throws for an unreachable backend (the units stay counted: under-admits).
   */
  void refund(Account account, Limits limits, Units units, Instant at);

  /**
   * At stop, once no request is in flight: writes whatever this node still owes a shared backend (settlements
   * coalesced in memory, the rest of its leases). Nothing to do for counters that live in this process.
   */
  default Future<Void> flush() {
    return Future.succeededFuture();
  }

  /** Where decisions are made now, as {@code /health} says it ({@code "limits"}). */
  enum State {
    /** The node's own counters: no shared backend is configured ({@code local}). */
    LOCAL("local"),
    /** Counters shared by every node ({@code shared}). */
    SHARED("shared"),
    /** The shared backend is unreachable and the gate answers {@code 503 limits_unavailable} ({@code down}). */
    DOWN("down"),
    /**
     * The shared backend is unreachable and this node enforces its share of each limit on its own
     * ({@code limits.on_redis_down: local}); {@code /health} says {@code local} with the status {@code degraded}.
     */
    FALLBACK("local");

    private final String label;

    State(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Where decisions are made now; a shared backend is asked (within its timeout). Never fails. */
  default Future<State> state() {
    return Future.succeededFuture(State.LOCAL);
  }

  /** The counters cannot be reached now (timeout, connection refused, circuit open). */
  final class LimitsUnavailableException extends RuntimeException {
    public LimitsUnavailableException(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }
}
