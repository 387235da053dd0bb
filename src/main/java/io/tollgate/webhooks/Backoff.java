package io.tollgate.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed delivery is tried again: {@code base × 2^(attempts-1)}, at most {@code max}, times a random factor
 * in [0.5, 1) so that many deliveries failed together do not come back together; never after the deadline.
 *
 * @param base the first wait
 * @param max the longest wait
 */
public record Backoff(Duration base, Duration max) {

  /** The next attempt after {@code attempts} failed ones, or empty when it would come after {@code deadline}. */
  public Optional<Instant> next(int attempts, Instant now, Instant deadline) {
    long wait = base.toMillis();
    for (int i = 1; i < attempts && wait < max.toMillis(); i++) {
      wait *= 2;
    }
    wait = Math.min(wait, max.toMillis());
    long jittered = (long) (wait * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5));
    Instant at = now.plusMillis(Math.max(1, jittered));
    return at.isAfter(deadline) ? Optional.empty() : Optional.of(at);
  }
}
