package io.tollgate.store;

import io.tollgate.limits.Units;
import io.tollgate.metering.UsageTotals;
import java.util.HashMap;
import java.util.Map;

/** Adds up the grouped rows of one customer into {@link UsageTotals}. Not thread-safe: one per query. */
final class UsageSums {
  private long unitsMilli;
  private long requests;
  private final Map<String, Long> byOperation = new HashMap<>();
  private final Map<String, Long> byKey = new HashMap<>();
  private final Map<String, Long> refusals = new HashMap<>();

  void addUsage(String keyId, String operation, long milli, long requestCount) {
    unitsMilli = Math.addExact(unitsMilli, milli);
    requests = Math.addExact(requests, requestCount);
    byOperation.merge(operation, milli, Math::addExact);
    byKey.merge(keyId, milli, Math::addExact);
  }

  void addRefusals(String code, long count) {
    refusals.merge(code, count, Math::addExact);
  }

  UsageTotals toTotals() {
    return new UsageTotals(new Units(unitsMilli), requests, units(byOperation), units(byKey), refusals);
  }

  private static Map<String, Units> units(Map<String, Long> milli) {
    Map<String, Units> out = new HashMap<>();
    milli.forEach((k, v) -> out.put(k, new Units(v)));
    return out;
  }
}
