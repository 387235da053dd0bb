package io.tollgate.telemetry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.gate.redis.FallbackLimiter;
import io.tollgate.gate.redis.RedisLimiter;
import java.util.Optional;

/**
 * The shared limits' meters, registered only when {@code limits.redis.url} is set: {@code tollgate_limits_redis_up}
 * (0 while the circuit to Redis is open: the gate answers {@code limits_unavailable}),
 * {@code tollgate_limits_redis_calls_total} and {@code tollgate_limits_redis_failures_total} (timeouts, errors and
 * calls refused by the open circuit), {@code tollgate_limits_redis_live_nodes}, and with
 * {@code limits.on_redis_down: local} {@code tollgate_limits_local_decisions_total}.
 */
public final class LimitsMetrics {
  private LimitsMetrics() {}

  public static void register(MeterRegistry registry, RedisLimiter redis, Optional<FallbackLimiter> fallback) {
    Gauge.builder("tollgate.limits.redis.up", redis, r -> r.isDown() ? 0 : 1)
        .description("0 while the circuit to Redis is open (shared limits unreachable), else 1").register(registry);
    FunctionCounter.builder("tollgate.limits.redis.calls", redis, RedisLimiter::calls)
        .description("Calls to Redis for shared limits (decisions, settlements)").register(registry);
    FunctionCounter.builder("tollgate.limits.redis.failures", redis, RedisLimiter::failures)
        .description("Calls to Redis that timed out, failed, or were refused by the open circuit").register(registry);
    Gauge.builder("tollgate.limits.redis.live.nodes", redis, RedisLimiter::liveNodes)
        .description("Nodes whose heartbeat Redis held at this node's last beat (0 before the first)")
        .register(registry);
    fallback.ifPresent(f -> FunctionCounter.builder("tollgate.limits.local.decisions", f,
            FallbackLimiter::localDecisions)
        .description("Decisions made on this node's share of the limits while Redis was unreachable"
            + " (limits.on_redis_down: local)").register(registry));
  }
}
