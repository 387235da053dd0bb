package io.tollgate.gate;

import io.tollgate.store.PostgresTestDatabase;
import java.util.Map;

/** {@link StrictLateFaultContract} on a fresh schema of the test PostgreSQL. */
final class GateStrictLateFaultPostgresTest extends StrictLateFaultContract {
  private PostgresTestDatabase pg;

  @Override
  Map<String, String> storeEnv() {
    pg = PostgresTestDatabase.create();
    return Map.of("TOLLGATE_STORE_URL", pg.url());
  }

  @Override
  void afterStop() {
    if (pg != null) {
      pg.close();
    }
  }
}
