package io.tollgate.admin;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing admin keys: one token bucket per client address (Bucket4j's local bucket), capacity
 * {@code admin.max_failed_logins}, one token back every {@code admin.failed_login_interval}. Each answer without a
 * valid admin key takes a token; an address with none left is answered {@code 429} before its key is even looked at,
 * until a token is back. Per node. At most {@link #MAX_ADDRESSES} addresses are tracked: past that, those with a
 * full bucket (nothing to remember) are forgotten, and if that is not enough, all are. Thread-safe.
 */
final class LoginThrottle {
  static final int MAX_ADDRESSES = 10_000;
  private final Bandwidth bandwidth;
  private final long capacity;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final Counter failures;
  private final Counter throttled;

  LoginThrottle(int maxFailures, Duration interval, MeterRegistry registry) {
    this.capacity = maxFailures;
    this.bandwidth = Bandwidth.builder().capacity(maxFailures).refillGreedy(1, interval).build();
    this.failures = Counter.builder("tollgate.admin.login.failures")
        .description("Admin API requests refused 401 for want of a valid admin key").register(registry);
    this.throttled = Counter.builder("tollgate.admin.login.throttled")
        .description("Admin API requests refused 429 after too many failed logins from their address")
        .register(registry);
  }

  /** How long {@code address} must wait when it has no try left (counted as throttled); empty when it may try. */
  Optional<Duration> refusal(String address) {
    Bucket bucket = buckets.get(address);
    if (bucket == null) {
      return Optional.empty();
    }
    EstimationProbe p = bucket.estimateAbilityToConsume(1);
    if (p.canBeConsumed()) {
      return Optional.empty();
    }
    throttled.increment();
    return Optional.of(Duration.ofNanos(p.getNanosToWaitForRefill()));
  }

  /** A request from {@code address} had no valid admin key: it takes one of the address's tries. */
  void failed(String address) {
    failures.increment();
    if (buckets.size() >= MAX_ADDRESSES && !buckets.containsKey(address)) {
      buckets.values().removeIf(b -> b.getAvailableTokens() >= capacity);
      if (buckets.size() >= MAX_ADDRESSES) {
        buckets.clear();
      }
    }
    buckets.computeIfAbsent(address, a -> Bucket.builder().addLimit(bandwidth).build()).tryConsume(1);
  }
}
