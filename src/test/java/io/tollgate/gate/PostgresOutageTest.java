package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.store.PostgresTestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away under load (new connections refused, every open one terminated) while batch metering is on:
 * the gate keeps answering, its usage waiting in the spill file (or, when that is full, in memory), and once the
 * database is back every answered request is billed exactly once (nothing answered is lost, nothing is counted
 * twice).
 */
final class PostgresOutageTest {
  private static final int THREADS = 4;
  private static final int REQUESTS_PER_THREAD = 50;

  @TempDir Path dir;
  private PostgresTestDatabase pg;
  private GateFixture f;

  @BeforeEach
  void createDatabase() {
    pg = PostgresTestDatabase.createDatabase();
  }

  /** {@code meteringYaml}: more keys of the {@code metering:} section, indented by two spaces. */
  private void start(String meteringYaml) throws Exception {
    f = GateFixture.start(dir, "metering:\n  durability: batch\n  flush_interval_ms: 50\n" + meteringYaml,
        Map.of("TOLLGATE_STORE_URL", pg.url()));
  }

  private JsonNode health() {
    return f.tollgate.send("GET", f.tollgate.adminUri("/health"), null, Map.of()).json();
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
    pg.allowConnections();
    pg.close();
  }

  private long billedRequests() {
    return f.usage("outage-1").get("requests").asLong();
  }

  @Test
  void postgresGoneUnderLoad_batchKeepsAnswering_andBillsEveryAnsweredRequestOnceWhenBack() throws Exception {
    start("");
    long answered = outageUnderLoad();
    assertThat(health().get("metering").asText()).isEqualTo("spilled");
    billedOnceWhenBack(answered);
    await().atMost(Duration.ofSeconds(5)).until(() -> health().get("metering").asText().equals("ok"));
  }

  @Test
  void postgresGoneUnderLoad_spillFull_keepsAnsweringFromMemory_saysSo_andBillsEveryAnsweredRequestOnceWhenBack()
      throws Exception {
    start("  spill_max_bytes: 1\n");
    long answered = outageUnderLoad();
    await().atMost(Duration.ofSeconds(5)).until(() -> health().get("metering").asText().equals("spill_full"));
    assertThat(Scrape.parse(f.tollgate.send("GET", f.tollgate.adminUri("/metrics"), null, Map.of()).text())
        .value("tollgate_metering_spill_full")).isEqualTo(1.0);
    billedOnceWhenBack(answered);
    await().atMost(Duration.ofSeconds(5)).until(() -> health().get("metering").asText().equals("ok"));
  }

  /**
   * Strict mode refuses rather than serve unbilled: while the database is gone every answer is 200 (its usage
   * committed) or {@code 503 store_unavailable}, and once it is back the usage holds exactly the 200s.
   */
  @Test
  void postgresGoneUnderLoad_strictAnswersOnly200Or503_andBillsExactlyThe200sWhenBack() throws Exception {
    f = GateFixture.start(dir, "metering:\n  durability: strict\n  strict_commit_timeout: 2s\n",
        Map.of("TOLLGATE_STORE_URL", pg.url()));
    String key = f.customer("{\"customer_id\":\"outage-1\",\"tier\":\"enterprise\"}");
    assertThat(f.gate("GET", "/v1/default/items/warm", key).status()).isEqualTo(200);
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    Load.run(THREADS, REQUESTS_PER_THREAD, (thread, i) -> {
      if (thread == 0 && i == REQUESTS_PER_THREAD / 5) {
        pg.refuseConnections();
      }
      var answer = f.gate("GET", "/v1/default/items/outage-" + thread + "-" + i, key);
      if (answer.status() == 200) {
        answered.incrementAndGet();
      } else if (answer.status() == 503 && answer.json().path("code").asText().equals("store_unavailable")) {
        refused.incrementAndGet();
      } else {
        other.incrementAndGet();
      }
    });
    System.out.printf("strict, PostgreSQL gone under load: %d answered 200, %d refused 503 store_unavailable%n",
        answered.get(), refused.get());
    assertThat(other.get()).as("answers neither 200 nor 503 store_unavailable").isZero();
    assertThat(refused.get()).as("requests refused while the database was gone").isPositive();
    billedOnceWhenBack(answered.get());
  }

  /**
   * Strict mode's 503s answered before deciding (a usage write failed) count against the SLA of the customer the
   * in-memory view would have let through, once, when the database is back; a request the view would have refused
   * for the customer's own reasons counts against nobody.
   */
  @Test
  void strictUpFront503s_countAgainstTheSlaOfTheCustomerTheViewWouldHaveLetThrough_onceTheStoreIsBack()
      throws Exception {
    f = GateFixture.start(dir, "metering:\n  durability: strict\n  strict_commit_timeout: 1s\n",
        Map.of("TOLLGATE_STORE_URL", pg.url()));
    String key = f.customer("{\"customer_id\":\"strict-sla\",\"tier\":\"enterprise\"}");
    String suspended = f.customer("{\"customer_id\":\"strict-off\",\"tier\":\"enterprise\"}");
    assertThat(f.tollgate.admin("PATCH", "/admin/customers/strict-off", "{\"active\":false}").status())
        .isEqualTo(200);
    SlaOutageCalls calls = new SlaOutageCalls(f, key, "store_unavailable");
    assertThat(calls.call()).isEqualTo(200);

    pg.refuseConnections();
    // the first 503s are requests admitted whose usage did not commit in time; the next ones are refused up front
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> calls.call() == 503);
    long waitedOut = calls.refused();
    for (int i = 0; i < 5; i++) {
      assertThat(calls.call()).isEqualTo(503);
    }
    assertThat(calls.refused()).as("503s answered before deciding").isGreaterThan(waitedOut);
    calls.refusedForTheCustomersOwnReasons(suspended);
    await("the refusals wait in the spill file, so that a crash now would not lose them")
        .atMost(Duration.ofSeconds(10)).until(() -> health().path("spilled_batches").asLong() >= 1);
    pg.allowConnections();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> calls.call() == 200);

    calls.countedOnceAgainst("strict-sla", "strict-off");
  }

  /** Takes the database away during a load of GETs; the requests answered 200 then. */
  private long outageUnderLoad() throws Exception {
    String key = f.customer("{\"customer_id\":\"outage-1\",\"tier\":\"enterprise\"}");
    assertThat(f.gate("GET", "/v1/default/items/warm", key).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> billedRequests() == 1);

    AtomicInteger answered = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    Load.run(THREADS, REQUESTS_PER_THREAD, (thread, i) -> {
      if (thread == 0 && i == REQUESTS_PER_THREAD / 5) {
        pg.refuseConnections();
      }
      int status = f.gate("GET", "/v1/default/items/outage-" + thread + "-" + i, key).status();
      (status == 200 ? answered : other).incrementAndGet();
    });
    assertThat(other.get()).as("requests not answered 200 while the database was gone").isZero();
    await("the database is really gone: the store check says so").atMost(Duration.ofSeconds(15))
        .until(() -> Scrape.parse(f.tollgate.send("GET", f.tollgate.adminUri("/metrics"), null, Map.of()).text())
            .value("tollgate_store_up") == 0.0);

    return answered.get();
  }

  private void billedOnceWhenBack(long answered) {
    pg.allowConnections();
    long expected = 1 + answered;
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> billedRequests() == expected);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> billedRequests() == expected);
  }
}
