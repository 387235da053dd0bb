package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.store.CapturedLogs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strict metering while the gate stops: a request whose usage is still committing when the recorder closes, and
 * whose commit bound then runs out, is not billed (the gate gave its units back and counts it as not recorded), so
 * its take-back must reach the store after its usage, also though the recorder no longer takes new usage.
 */
final class GateStrictStopTest {
  private static final String CUSTOMER = "strict-stop-1";

  @TempDir Path dir;

  @Test
  void commitBoundRunsOutWhileTheGateStops_strict_theRequestIsNotBilledInTheStore() throws Exception {
    GateFixture f = GateFixture.start(dir, "metering:\n  durability: strict\n  flush_interval_ms: 50\n"
        + "  strict_commit_timeout: 3s\n", Map.of());
    Path db = f.tollgate.dataDir.resolve("tollgate.db");
    CompletableFuture<Void> stopped = null;
    try (CapturedLogs logs = new CapturedLogs()) {
      String key = f.customer("{\"customer_id\":\"" + CUSTOMER + "\",\"tier\":\"enterprise\"}");
      assertThat(f.gate("GET", "/v1/default/serve/download/10", key).status()).isEqualTo(200);
      try (Connection held = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = held.createStatement()) {
        s.execute("BEGIN IMMEDIATE"); // the flusher's transaction waits for this one
        RawHttp.Connection c = RawHttp.Connection.open(f.tollgate.server.gatePort(), Duration.ofSeconds(5));
        c.send("GET /v1/default/serve/download/10 HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
            + "\r\n\r\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.parse(f.tollgate.admin("GET", "/metrics").text())
            .value("tollgate_metering_backlog_events") >= 1);
        c.reset(); // the client leaves while the usage commits: nothing holds the drain, the recorder closes
        stopped = CompletableFuture.runAsync(f::close);
        await().atMost(Duration.ofSeconds(10)).until(() -> logs.texts().stream()
            .anyMatch(t -> t.contains("usage not durable within the strict commit timeout")));
        s.execute("ROLLBACK"); // the store takes writes again while the recorder is still closing
      }
      stopped.get(30, TimeUnit.SECONDS);
    } finally {
      if (stopped == null) {
        f.close();
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COALESCE(SUM(requests), 0), COALESCE(SUM(units_milli), 0)"
            + " FROM usage_daily WHERE customer_id = '" + CUSTOMER + "'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getLong(1)).as("only the first request is billed; the one refused at its bound is taken back")
          .isEqualTo(1);
      assertThat(r.getLong(2)).isEqualTo(1000);
    }
  }
}
