package io.tollgate.gate;

import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import java.time.InstantSource;
import java.util.Map;

/** The node's own counters against the limiter contract. */
final class LocalLimiterTest extends LimiterContract {
  @Override
  Limiter limiter(Map<String, Units> seeded) {
    return new LocalLimiter(new RateLimiter(InstantSource.fixed(NOW)), new QuotaLedger(seeded, seeded, NOW));
  }
}
