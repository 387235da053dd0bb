package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;

import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.store.PostgresTestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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
    AtomicLong answered = new AtomicLong();
    AtomicLong stale = new AtomicLong();
    Supplier<Integer> call = () -> {
      Answer a = f.gate("GET", "/v1/default/items/x", key);
      if (a.status() == 200) {
        answered.incrementAndGet();
      } else if (a.status() == 503 && a.json().path("code").asText().equals("registry_stale")) {
        stale.incrementAndGet();
      } else {
        throw new AssertionError("unexpected answer " + a.status() + " " + a.text());
      }
      return a.status();
    };
    assertThat(call.get()).isEqualTo(200);

    pg.refuseConnections();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> call.get() == 503);
    for (int i = 0; i < 3; i++) {
      assertThat(call.get()).isEqualTo(503);
    }
    // stale too, but the view would have refused them for the customer's own reasons: counted against no SLA
    for (Answer a : new Answer[] {f.gate("GET", "/v1/private/items/x", key),
        f.gate("GET", "/v1/default/items/x", suspended), f.gate("GET", "/v1/default/items/x", "tg_live_unknown0")}) {
      assertThat(a.status()).isEqualTo(503);
      assertThat(a.json().path("code").asText()).isEqualTo("registry_stale");
      assertThat(a.json().has("customer_id")).isFalse(); // the answer names no one, as before
    }
    pg.allowConnections();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> call.get() == 200);

    long failed = stale.get();
    assertThat(failed).isGreaterThanOrEqualTo(4);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode u = f.usage("stale-sla");
      assertThat(u.path("rejected").path("registry_stale").asLong()).isEqualTo(failed);
      assertThat(u.path("sla").path("failed_requests").asLong()).isEqualTo(failed);
      assertThat(u.path("sla").path("eligible_requests").asLong()).isEqualTo(answered.get() + failed);
      assertThat(u.path("requests").asLong()).isEqualTo(answered.get());
    });
    JsonNode off = f.usage("stale-off");
    assertThat(off.path("rejected").has("registry_stale")).isFalse();
    assertThat(off.path("sla").path("eligible_requests").asLong()).isZero();
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
