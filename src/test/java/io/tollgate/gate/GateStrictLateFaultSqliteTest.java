package io.tollgate.gate;

import java.util.Map;

/** {@link StrictLateFaultContract} on SQLite in the data directory. */
final class GateStrictLateFaultSqliteTest extends StrictLateFaultContract {
  @Override
  Map<String, String> storeEnv() {
    return Map.of();
  }
}
