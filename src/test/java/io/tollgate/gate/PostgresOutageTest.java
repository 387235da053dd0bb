package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * the gate keeps answering from memory, and once the database is back every answered request is billed exactly
 * once (nothing answered is lost, nothing is counted twice).
 */
final class PostgresOutageTest {
  private static final int THREADS = 4;
  private static final int REQUESTS_PER_THREAD = 50;

  @TempDir Path dir;
  private PostgresTestDatabase pg;
  private GateFixture f;

  @BeforeEach
  void start() throws Exception {
    pg = PostgresTestDatabase.createDatabase();
    f = GateFixture.start(dir, "metering:\n  durability: batch\n  flush_interval_ms: 50\n",
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

  private long billedRequests() {
    return f.usage("outage-1").get("requests").asLong();
  }

  @Test
  void postgresGoneUnderLoad_batchKeepsAnswering_andBillsEveryAnsweredRequestOnceWhenBack() throws Exception {
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

    pg.allowConnections();
    long expected = 1 + answered.get();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> billedRequests() == expected);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> billedRequests() == expected);
  }
}
