package io.tollgate.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per {@link Account} (Bucket4j's lock-free local bucket), shared by all of its keys: capacity
 * {@code burst}, refilled greedily with {@code requests} per {@code window}. Exact on one node. When a customer's
 * limit changes, its bucket gains (or loses) the difference in capacity at once: an upgrade's larger burst is
 * usable on the next request. A customer purged and created again is another account with a full bucket.
 * Thread-safe; never blocks.
 */
public final class RateLimiter {
  private final TimeMeter time;
  private final ConcurrentHashMap<Account, Entry> buckets = new ConcurrentHashMap<>();

  private record Entry(RateLimit limit, Bucket bucket) {}

  /**
   * The state of a bucket after a take or a peek.
   *
   * @param allowed whether the request may pass
   * @param remaining tokens left now
   * @param retryAfter how long until one token is back (zero when allowed)
   * @param reset how long until the bucket is full again
   */
  public record Verdict(boolean allowed, long remaining, Duration retryAfter, Duration reset) {}

  public RateLimiter(InstantSource clock) {
    this.time = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  /** Takes one token from the account's bucket when there is one. */
  public Verdict tryTake(Account account, RateLimit limit) {
    Bucket bucket = bucketOf(account, limit);
    ConsumptionProbe p = bucket.tryConsumeAndReturnRemaining(1);
    return new Verdict(p.isConsumed(), p.getRemainingTokens(), Duration.ofNanos(p.getNanosToWaitForRefill()),
        Duration.ofNanos(p.getNanosToWaitForReset()));
  }

  /** Whether a token could be taken now, without taking it. */
  public Verdict peek(Account account, RateLimit limit) {
    Bucket bucket = bucketOf(account, limit);
    EstimationProbe p = bucket.estimateAbilityToConsume(1);
    long remaining = bucket.getAvailableTokens();
    // in Duration's seconds and nanos: as nanoseconds in a long, a day's window with a large burst overflowed
    Duration untilFull = Duration.ofSeconds(limit.windowSeconds()).multipliedBy(Math.max(0, limit.burst() - remaining))
        .dividedBy(limit.requests());
    return new Verdict(p.canBeConsumed(), remaining, Duration.ofNanos(p.getNanosToWaitForRefill()), untilFull);
  }

  /**
   * Returns one token taken by {@link #tryTake} for a request that was refused later on (over its quota), so that
   * a refused request does not also spend the customer's rate. Never beyond the bucket's capacity.
   */
  public void giveBack(Account account) {
    Entry e = buckets.get(account);
    if (e != null) {
      e.bucket().addTokens(1);
    }
  }

  private Bucket bucketOf(Account account, RateLimit limit) {
    Entry e = buckets.get(account);
    if (e != null && e.limit().equals(limit)) {
      return e.bucket();
    }
    return buckets.compute(account, (id, old) -> {
      if (old == null) {
        return new Entry(limit, Bucket.builder().addLimit(bandwidth(limit)).withCustomTimePrecision(time).build());
      }
      if (!old.limit().equals(limit)) {
        old.bucket().replaceConfiguration(BucketConfiguration.builder().addLimit(bandwidth(limit)).build(),
            TokensInheritanceStrategy.ADDITIVE);
        return new Entry(limit, old.bucket());
      }
      return old;
    }).bucket();
  }

  private static io.github.bucket4j.Bandwidth bandwidth(RateLimit l) {
    return io.github.bucket4j.Bandwidth.builder().capacity(l.burst())
        .refillGreedy(l.requests(), Duration.ofSeconds(l.windowSeconds())).build();
  }
}
