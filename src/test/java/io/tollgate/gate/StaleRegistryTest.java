package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.store.PostgresTestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on PostgreSQL that loses its database: past {@code registry.max_staleness} it says so in {@code /health} and
 * {@code tollgate_registry_stale}, and with {@code registry.on_stale: refuse} the gate answers 503
 * {@code registry_stale} instead of deciding from its old view; once the database is back it decides again.
 */
final class StaleRegistryTest {
  @TempDir Path dir;
  private PostgresTestDatabase pg;
  private GateFixture f;

  @BeforeEach
  void start() throws Exception {
    pg = PostgresTestDatabase.createDatabase();
    f = GateFixture.start(dir, "registry:\n  poll_interval: 50ms\n  max_staleness: 500ms\n  on_stale: refuse\n",
        Map.of("TOLLGATE_STORE_URL", pg.url()));
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
    pg.allowConnections();
    pg.close();
  }

  private double metric(String name) {
    return Scrape.parse(f.tollgate.send("GET", f.tollgate.adminUri("/metrics"), null, Map.of()).text()).value(name);
  }

  @Test
  void staleRefusals_countAgainstTheSlaOfTheCustomerTheStaleViewWouldHaveLetThrough_onceTheStoreIsBack() {
    String key = f.customer("{\"customer_id\":\"stale-sla\",\"tier\":\"enterprise\"}");
    String suspended = f.customer("{\"customer_id\":\"stale-off\",\"tier\":\"enterprise\"}");
    assertThat(f.tollgate.admin("PATCH", "/admin/customers/stale-off", "{\"active\":false}").status()).isEqualTo(200);
    SlaOutageCalls calls = new SlaOutageCalls(f, key, "registry_stale");
    assertThat(calls.call()).isEqualTo(200);

    pg.refuseConnections();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> calls.call() == 503);
    for (int i = 0; i < 3; i++) {
      assertThat(calls.call()).isEqualTo(503);
    }
    // stale too, but the view would have refused them for the customer's own reasons: counted against no SLA
    calls.refusedForTheCustomersOwnReasons(suspended);
    pg.allowConnections();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> calls.call() == 200);

    assertThat(calls.refused()).isGreaterThanOrEqualTo(4);
    calls.countedOnceAgainst("stale-sla", "stale-off");
  }

  @Test
  void databaseUnreachable_pastMaxStaleness_gateRefuses503_healthAndMetricSayStale_thenRecovers() {
    String key = f.customer("{\"customer_id\":\"stale-1\",\"tier\":\"enterprise\"}");
    assertThat(f.gate("GET", "/v1/default/items/x", key).status()).isEqualTo(200);
    assertThat(f.tollgate.send("GET", f.tollgate.gateUri("/health"), null, Map.of()).json().path("registry")
        .asText()).isEqualTo("ok");
    assertThat(metric("tollgate_registry_stale")).isZero();

    pg.refuseConnections();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> f.gate("GET", "/v1/default/items/x", key).status() == 503);
    Answer refused = f.gate("GET", "/v1/default/items/x", key);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().path("code").asText()).isEqualTo("registry_stale");
    assertThat(refused.header("Retry-After")).isEqualTo("1");
    assertThat(metric("tollgate_registry_stale")).isEqualTo(1.0);
    Answer health = f.tollgate.send("GET", f.tollgate.gateUri("/health"), null, Map.of());
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.json().path("registry").asText()).isEqualTo("stale");

    pg.allowConnections();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> f.gate("GET", "/v1/default/items/x", key).status() == 200);
    assertThat(metric("tollgate_registry_stale")).isZero();
  }
}
