package io.tollgate.limits;

/**
 * A token bucket: {@code requests} per {@code windowSeconds}, holding at most {@code burst} tokens.
 *
 * @param requests tokens added per window, at least 1
 * @param windowSeconds the window length in seconds, at least 1
 * @param burst the bucket's capacity, at least 1
 */
public record RateLimit(long requests, long windowSeconds, long burst) {
  public RateLimit {
    if (requests < 1 || windowSeconds < 1 || burst < 1) {
      throw new IllegalArgumentException("rate limit values must be at least 1");
    }
  }
}
