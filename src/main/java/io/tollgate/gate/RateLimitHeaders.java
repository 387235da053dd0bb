package io.tollgate.gate;

import io.tollgate.limits.Limits;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimiter;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;

/**
 * The IETF {@code RateLimit-Policy} and {@code RateLimit} fields (draft-ietf-httpapi-ratelimit-headers) for the
 * customer's rate limit ({@code "rate"}) and quota ({@code "quota"}): {@code q} the limit, {@code w} its window
 * in seconds, {@code r} what remains, {@code t} seconds until it is fully available again. Quota units are
 * rounded down to whole units.
 *
 * <p>The names are pre-encoded constants; the policy, the same for every request of one customer's limits, is
 * formatted once per {@link Limits} value in a row (a one-entry cache: the registry hands out the same instance).
 */
final class RateLimitHeaders {
  static final CharSequence RATE_LIMIT_POLICY = HttpHeaders.createOptimized("RateLimit-Policy");
  static final CharSequence RATE_LIMIT = HttpHeaders.createOptimized("RateLimit");

  private record Policy(Limits limits, String value) {}

  /** The last policy formatted; racing threads at worst format it again. */
  private static volatile Policy lastPolicy;

  private RateLimitHeaders() {}

  static void add(MultiMap headers, Limits limits, Optional<RateLimiter.Verdict> rate,
      Optional<QuotaLedger.Verdict> quota) {
    headers.set(RATE_LIMIT_POLICY, policy(limits));
    StringBuilder now = new StringBuilder(48);
    rate.ifPresent(v -> now.append("\"rate\";r=").append(v.remaining()).append(";t=").append(seconds(v.reset())));
    quota.ifPresent(v -> {
      if (!now.isEmpty()) {
        now.append(", ");
      }
      now.append("\"quota\";r=").append(v.remaining().milli() / 1000).append(";t=").append(seconds(v.untilReset()));
    });
    if (!now.isEmpty()) {
      headers.set(RATE_LIMIT, now.toString());
    }
  }

  private static String policy(Limits limits) {
    Policy last = lastPolicy;
    if (last != null && last.limits() == limits) {
      return last.value();
    }
    var rl = limits.rateLimit();
    long quotaWindow = limits.quota().period() == QuotaPeriod.MONTH ? 2_592_000L : 31_536_000L;
    String value = "\"rate\";q=" + rl.requests() + ";w=" + rl.windowSeconds()
        + ", \"quota\";q=" + limits.quota().units().milli() / 1000 + ";w=" + quotaWindow;
    lastPolicy = new Policy(limits, value);
    return value;
  }

  /** Whole seconds, rounded up, at least 0. */
  static long seconds(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return 0;
    }
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }
}
