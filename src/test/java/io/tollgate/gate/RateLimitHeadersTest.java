package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limits.Limits;
import io.tollgate.limits.Quota;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimit;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * The {@code RateLimit} value is written as bytes: it reads exactly as the formatted string it replaced, for every
 * remaining count and reset (0, one digit, the longest), with both limits, with either alone, and with neither.
 */
final class RateLimitHeadersTest {
  private static final Limits LIMITS = new Limits(new Quota(Units.of(1_000_000), QuotaPeriod.MONTH),
      new RateLimit(100, 1, 100));

  @Property(tries = 2000)
  void rateLimit_readsAsTheFormattedModel(@ForAll @LongRange(min = -1, max = Long.MAX_VALUE) long remaining,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 1000) long quotaLeftMilli,
      @ForAll @LongRange(min = 0, max = 40_000_000_000L) long resetMillis, @ForAll boolean withRate,
      @ForAll boolean withQuota) {
    RateLimiter.Verdict rate = new RateLimiter.Verdict(true, remaining, Duration.ZERO, Duration.ofMillis(resetMillis));
    QuotaLedger.Verdict quota = new QuotaLedger.Verdict(true, Units.ZERO, new Units(quotaLeftMilli),
        Duration.ofMillis(resetMillis * 3 + 1));
    StringBuilder model = new StringBuilder();
    if (withRate) {
      model.append("\"rate\";r=").append(remaining).append(";t=").append(RateLimitHeaders.seconds(rate.reset()));
    }
    if (withQuota) {
      if (!model.isEmpty()) {
        model.append(", ");
      }
      model.append("\"quota\";r=").append(quotaLeftMilli / 1000).append(";t=")
          .append(RateLimitHeaders.seconds(quota.untilReset()));
    }
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.add(h, LIMITS, withRate ? Optional.of(rate) : Optional.empty(),
        withQuota ? Optional.of(quota) : Optional.empty());
    assertThat(h.get("RateLimit")).isEqualTo(model.isEmpty() ? null : model.toString());
    assertThat(h.get("RateLimit-Policy")).isEqualTo("\"rate\";q=100;w=1, \"quota\";q=1000000;w=2592000");
    if (withRate && withQuota) {
      MultiMap both = MultiMap.caseInsensitiveMultiMap();
      RateLimitHeaders.add(both, LIMITS, rate, quota);
      assertThat(both.get("RateLimit")).isEqualTo(model.toString());
    }
  }
}
