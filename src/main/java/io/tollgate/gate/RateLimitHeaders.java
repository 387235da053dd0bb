package io.tollgate.gate;

import io.tollgate.limits.Limits;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimiter;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
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

  private static final byte[] RATE_R = "\"rate\";r=".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] QUOTA_R = "\"quota\";r=".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] T = ";t=".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMMA = ", ".getBytes(StandardCharsets.US_ASCII);
  /** Both parts with four numbers of up to 20 characters each. */
  private static final int MAX_VALUE = RATE_R.length + QUOTA_R.length + 2 * T.length + COMMA.length + 4 * 20;

  /** The tens and ones digit of 0 to 99. */
  private static final byte[] TENS = new byte[100];
  private static final byte[] ONES = new byte[100];

  static {
    for (int i = 0; i < 100; i++) {
      TENS[i] = (byte) ('0' + i / 10);
      ONES[i] = (byte) ('0' + i % 10);
    }
  }

  private record Policy(Limits limits, String value) {}

  /** The last policy formatted; racing threads at worst format it again. */
  private static volatile Policy lastPolicy;

  private RateLimitHeaders() {}

  static void add(MultiMap headers, Limits limits, Optional<RateLimiter.Verdict> rate,
      Optional<QuotaLedger.Verdict> quota) {
    headers.set(RATE_LIMIT_POLICY, policy(limits));
    if (rate.isPresent() || quota.isPresent()) {
      headers.set(RATE_LIMIT, now(rate.orElse(null), quota.orElse(null)));
    }
  }

  /** An allowed request's fields: both limits' verdicts are known. */
  static void add(MultiMap headers, Limits limits, RateLimiter.Verdict rate, QuotaLedger.Verdict quota) {
    headers.set(RATE_LIMIT_POLICY, policy(limits));
    headers.set(RATE_LIMIT, now(rate, quota));
  }

  /**
   * The {@code RateLimit} value, written as ASCII bytes straight into the array the header value wraps: no
   * {@code StringBuilder} growth, no {@code String} copy of it (number formatting and building the value were
   * about 1 % of a proxied request's CPU samples). {@code null} for a verdict not known.
   */
  private static CharSequence now(RateLimiter.Verdict rate, QuotaLedger.Verdict quota) {
    byte[] b = new byte[MAX_VALUE];
    int n = 0;
    if (rate != null) {
      n = put(b, n, RATE_R);
      n = put(b, n, rate.remaining());
      n = put(b, n, T);
      n = put(b, n, seconds(rate.reset()));
    }
    if (quota != null) {
      if (n > 0) {
        n = put(b, n, COMMA);
      }
      n = put(b, n, QUOTA_R);
      n = put(b, n, quota.remaining().milli() / 1000);
      n = put(b, n, T);
      n = put(b, n, seconds(quota.untilReset()));
    }
    return new AsciiString(b, 0, n, false);
  }

  private static int put(byte[] b, int at, byte[] ascii) {
    System.arraycopy(ascii, 0, b, at, ascii.length);
    return at + ascii.length;
  }

  /** {@code v} in decimal digits, two at a time from a table (as the JDK's own formatting does). */
  private static int put(byte[] b, int at, long v) {
    if (v < 0) {
      return put(b, at, Long.toString(v).getBytes(StandardCharsets.US_ASCII));
    }
    int digits = 1;
    for (long p = 10; digits < 19 && v >= p; p *= 10) {
      digits++;
    }
    int i = at + digits;
    long rest = v;
    while (rest >= 100) {
      long q = rest / 100;
      int pair = (int) (rest - q * 100);
      rest = q;
      b[--i] = ONES[pair];
      b[--i] = TENS[pair];
    }
    if (rest >= 10) {
      b[--i] = ONES[(int) rest];
      b[--i] = TENS[(int) rest];
    } else {
      b[--i] = (byte) ('0' + rest);
    }
    return at + digits;
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
