package io.tollgate.gate;

import io.tollgate.limits.Account;
import io.tollgate.limits.Limits;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/** The node's own counters, in memory: exact on one node, answered at once (the future is already complete). */
final class LocalLimiter implements Limiter {
  private final RateLimiter rate;
  private final QuotaLedger quota;

  LocalLimiter(RateLimiter rate, QuotaLedger quota) {
    this.rate = rate;
    this.quota = quota;
  }

  @Override
  public Future<Admission> tryAdmit(Account account, Limits limits, Units units, Instant now, boolean dryRun) {
    RateLimiter.Verdict rv = dryRun ? rate.peek(account, limits.rateLimit()) : rate.tryTake(account, limits.rateLimit());
    if (!rv.allowed()) {
      return Future.succeededFuture(new Admission(rv, Optional.empty()));
    }
    QuotaLedger.Verdict qv;
    try {
      qv = dryRun ? quota.peek(account, limits.quota(), units, now)
          : quota.tryReserve(account, limits.quota(), units, now);
    } catch (RuntimeException e) {
      if (!dryRun) {
        rate.giveBack(account); // the request fails: it does not spend the rate
      }
      throw e;
    }
    if (!qv.allowed() && !dryRun) {
      rate.giveBack(account); // the request is not served: it does not spend the rate either
    }
    return Future.succeededFuture(new Admission(rv, Optional.of(qv)));
  }

  @Override
  public void settle(Account account, Limits limits, Units reserved, Units actual, Instant reservedAt, long ticket,
      boolean returnToken) {
    quota.settle(account, reserved, actual, reservedAt);
    if (returnToken) {
      rate.giveBack(account);
    }
  }

  /** The local ledger settles by difference: a settled reservation of {@code units} kept as none gives them back. */
  @Override
  public void refund(Account account, Limits limits, Units units, Instant at) {
    quota.settle(account, units, Units.ZERO, at);
  }
}
