package io.tollgate.gate;

import io.tollgate.gate.redis.RedisServer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the shared limits keep in Redis for one customer, read with redis-cli: the units each node holds
 * ({@code tg:{customer}:held:<created>}) and the settled units of the current month
 * ({@code tg:{customer}:quota:<yyyy-MM>:<created>}), in thousandths of a unit.
 */
final class RedisCounters {
  private RedisCounters() {}

  /** The held hash, field by field ({@code <node>|<run>} = milli, {@code <node>|<run>:exp} = expiry in Redis µs); may be empty. */
  static Map<String, Long> held(RedisServer redis, String customerId) throws Exception {
    Map<String, Long> fields = new LinkedHashMap<>();
    Optional<String> key = key(redis, "tg:{" + customerId + "}:held:*");
    if (key.isEmpty()) {
      return fields;
    }
    List<String> lines = redis.cli("HGETALL", key.get()).lines().filter(l -> !l.isBlank()).toList();
    for (int i = 0; i + 1 < lines.size(); i += 2) {
      fields.put(lines.get(i), Long.parseLong(lines.get(i + 1)));
    }
    return fields;
  }

  /** The field of {@code held} that holds what a run of {@code node} holds ({@code <node>|<run>}), if any. */
  static Optional<String> heldBy(Map<String, Long> held, String node) {
    return held.keySet().stream().filter(f -> f.startsWith(node + "|") && !f.endsWith(":exp")).findFirst();
  }

  /** The settled units of this month's counter, empty when Redis holds none (not seeded yet, or lost). */
  static Optional<Long> settledMilli(RedisServer redis, String customerId) throws Exception {
    String month = LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7);
    Optional<String> key = key(redis, "tg:{" + customerId + "}:quota:" + month + ":*");
    if (key.isEmpty()) {
      return Optional.empty();
    }
    String value = redis.cli("GET", key.get());
    return value.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(value));
  }

  /** Redis' own clock, in microseconds: what the scripts compare expiries with. */
  static long redisMicros(RedisServer redis) throws Exception {
    List<String> t = redis.cli("TIME").lines().toList();
    return Long.parseLong(t.get(0).trim()) * 1_000_000 + Long.parseLong(t.get(1).trim());
  }

  private static Optional<String> key(RedisServer redis, String pattern) throws Exception {
    List<String> keys = redis.cli("--scan", "--pattern", pattern).lines().filter(l -> !l.isBlank()).toList();
    if (keys.size() > 1) {
      throw new AssertionError("more than one key matches " + pattern + ": " + keys);
    }
    return keys.stream().findFirst();
  }
}
