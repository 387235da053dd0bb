package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Strict metering commits a request's usage before the first byte of the engine's answer goes out. When the engine
 * then cuts its own answer (status and headers sent, then the connection closed mid-body), the committed usage is
 * taken back: as in batch mode, an engine that cuts its own answer is not billed, in the usage document, the daily
 * view and the billing export alike, and the quota gets the units back. A client that leaves after the engine
 * answered is still billed, also when it leaves, or its body fails, while the usage is being committed (the store's
 * writes held by the test): the first fault after the engine answered decides, not the engine cut that follows from
 * the gate aborting the engine request. A subclass per store supplies its URL and a way to hold its writes.
 */
abstract class StrictLateFaultContract {
  private static final String CUSTOMER = "strict-cut-1";
  private static final Pattern QUOTA_LEFT = Pattern.compile("\"quota\";r=(\\d+)");

  @TempDir Path dir;
  GateFixture f;
  String key;
  int port;

  /** Extra environment for the store ({@code TOLLGATE_STORE_URL}), or none for SQLite in the data directory. */
  abstract Map<String, String> storeEnv();

  @BeforeEach
  void start() throws Exception {
    f = GateFixture.start(dir, "  max_body_bytes: 64KiB\nmetering:\n  durability: strict\n  flush_interval_ms: 50\n", storeEnv());
    key = f.customer("{\"customer_id\":\"" + CUSTOMER + "\",\"tier\":\"enterprise\","
        + "\"limits\":{\"quota\":{\"units\":1000,\"period\":\"year\"}}}");
    port = f.tollgate.server.gatePort();
  }

  /**
   * Holds the store's usage writes until closed (a transaction that locks what a usage batch writes), so that a
   * strict answer waits in its commit.
   */
  abstract AutoCloseable holdWrites() throws Exception;

  /** Called once the gate has stopped. */
  void afterStop() {}

  @AfterEach
  void stop() {
    f.close();
    afterStop();
  }

  /** A billed 1-unit request; answers the whole quota units left after it, from its {@code RateLimit} header. */
  private long probe() {
    Answer a = f.gate("GET", "/v1/default/serve/download/10", key);
    assertThat(a.status()).isEqualTo(200);
    Matcher m = QUOTA_LEFT.matcher(a.header("RateLimit"));
    assertThat(m.find()).as("RateLimit: " + a.header("RateLimit")).isTrue();
    return Long.parseLong(m.group(1));
  }

  private BigDecimal units(JsonNode usage) {
    return usage.get("units_used").decimalValue();
  }

  private BigDecimal dailyUnits() {
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode day : f.tollgate.admin("GET", "/admin/customers/" + CUSTOMER + "/usage/daily").json().get("days")) {
      sum = sum.add(day.get("units").decimalValue());
    }
    return sum;
  }

  private BigDecimal exportedUnits() {
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode row : f.tollgate.admin("GET", "/admin/usage/export").json().get("rows")) {
      if (row.get("customer_id").asText().equals(CUSTOMER)) {
        sum = sum.add(row.get("units").decimalValue());
      }
    }
    return sum;
  }

  @Test
  void engineCutsItsAnswerAfterTheHead_strict_isTakenBack_everywhere_andTheQuotaGetsItsUnitsBack() throws Exception {
    long leftBefore = probe();
    JsonNode before = f.usage(CUSTOMER);
    assertThat(before.get("requests").asLong()).as("strict: billed before it was answered").isEqualTo(1);

    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send("GET /v1/default/serve/cutlate/300 HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
          + "\r\n\r\n");
      assertThat(c.readHead()).as("the head went out: the usage was committed").isEqualTo(200);
      assertThat(c.readUntilClosed()).as("the cut body is never ended as if complete").doesNotContain("0\r\n\r\n");
    }

    JsonNode after = f.awaitUsage(CUSTOMER, u -> u.get("rejected").path("engine_unavailable").asLong()
        == before.get("rejected").path("engine_unavailable").asLong() + 1 && u.get("requests").asLong() == 1);
    assertThat(units(after)).isEqualByComparingTo(units(before)).isEqualByComparingTo("1");
    assertThat(dailyUnits()).isEqualByComparingTo("1");
    assertThat(exportedUnits()).isEqualByComparingTo("1");
    assertThat(probe()).as("the cut request's unit is back in the quota").isEqualTo(leftBefore - 1);
    assertThat(f.gate("GET", "/health", null).status()).isEqualTo(200);
  }

  @Test
  void engineCutsItsAnswerWhileItsUsageCommits_strict_isNotBilled_andTheClientGetsA502OrACutBody() throws Exception {
    long leftBefore = probe();
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send("GET /v1/default/serve/cut/1000 HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key + "\r\n\r\n");
      int status;
      try {
        status = c.read().status();
      } catch (IOException cutBody) {
        status = 0; // the head went out, then the body was cut
      }
      assertThat(status).as("a 502 when the engine failed before the head went out, else a cut body").isIn(0, 502);
    }

    JsonNode after = f.awaitUsage(CUSTOMER, u -> u.get("rejected").path("engine_unavailable").asLong() == 1);
    assertThat(after.get("requests").asLong()).isEqualTo(1);
    assertThat(units(after)).isEqualByComparingTo("1");
    assertThat(probe()).isEqualTo(leftBefore - 1);
  }

  @Test
  void clientLeavesMidDownload_strict_isBilled() throws Exception {
    long leftBefore = probe();
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send("GET /v1/default/serve/download/200000000 HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
          + "\r\n\r\n");
      assertThat(c.readHead()).isEqualTo(200);
      c.reset();
    }

    JsonNode after = f.awaitUsage(CUSTOMER, u -> u.get("requests").asLong() == 2);
    assertThat(units(after)).isEqualByComparingTo("2");
    assertThat(dailyUnits()).isEqualByComparingTo("2");
    assertThat(exportedUnits()).isEqualByComparingTo("2");
    assertThat(after.get("rejected").path("engine_unavailable").asLong()).isZero();
    assertThat(probe()).as("the download stays billed").isEqualTo(leftBefore - 2);
  }

  /** Waits until a usage event is counted and not yet durable: the strict answer is waiting for its commit. */
  private void awaitCommitting() {
    await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.parse(f.tollgate.admin("GET", "/metrics").text())
        .value("tollgate_metering_backlog_events") >= 1);
  }

  private void awaitEngineRequestAborted(String uri) {
    await().atMost(Duration.ofSeconds(5)).until(() -> f.engine.seen.stream().anyMatch(s -> s.uri().equals(uri)));
    assertThat(f.engine.seen).filteredOn(s -> s.uri().equals(uri)).extracting(TestEngine.Seen::complete)
        .as("the engine never gets a complete request").containsExactly(false);
  }

  /**
   * The request held in its commit was billed once, and nothing took it back: its commit, a probe answered once its
   * own usage committed (after whatever the held request settled), and then usage, daily view, export and quota.
   */
  private void assertHeldRequestBilled(long leftBefore) {
    f.awaitUsage(CUSTOMER, u -> u.get("requests").asLong() >= 2);
    long left = probe();
    JsonNode after = f.usage(CUSTOMER);
    assertThat(after.get("requests").asLong()).isEqualTo(3);
    assertThat(units(after)).isEqualByComparingTo("3");
    assertThat(dailyUnits()).isEqualByComparingTo("3");
    assertThat(exportedUnits()).isEqualByComparingTo("3");
    assertThat(after.get("rejected").path("engine_unavailable").asLong()).isZero();
    assertThat(after.get("rejected").path("bad_request").asLong()).isZero();
    assertThat(after.get("rejected").path("payload_too_large").asLong()).isZero();
    assertThat(left).as("the held request's unit stays spent").isEqualTo(leftBefore - 2);
  }

  /**
   * Sends {@code request} with the store's writes held, resets the connection once the answer waits for its commit,
   * and lets the commit go on once {@code afterwards} has seen what the gate did with the engine request.
   */
  private void resetWhileCommitting(String request, Runnable afterwards) throws Exception {
    try (AutoCloseable held = holdWrites()) {
      RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5));
      c.send(request);
      awaitCommitting();
      c.reset();
      afterwards.run();
    }
  }

  @Test
  void engineAnswersCompletelyAndClosesItsConnectionWhileTheUsageCommits_strict_isAnsweredAndBilled()
      throws Exception {
    long leftBefore = probe();
    String uri = "/v1/default/serve/closing?while-committing";
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      try (AutoCloseable held = holdWrites()) {
        c.send("GET " + uri + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key + "\r\n\r\n");
        awaitCommitting();
        await("the engine closed its connection after its whole answer").atMost(Duration.ofSeconds(5))
            .until(() -> f.engine.closedAfterAnswer.contains(uri));
      }
      RawHttp.Response r = c.read();
      assertThat(r.status()).as("the engine's complete answer, not a 502").isEqualTo(200);
      assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("serve/closing");
    }
    assertHeldRequestBilled(leftBefore);
  }

  @Test
  void clientLeavesWhileItsUsageCommits_thenTheEngineCuts_strict_isBilled() throws Exception {
    long leftBefore = probe();
    String uri = "/v1/default/serve/cutlate/2000?left-committing";
    resetWhileCommitting("GET " + uri + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key + "\r\n\r\n",
        () -> await("the engine's answer ends cut").atMost(Duration.ofSeconds(5))
            .until(() -> f.engine.cut.contains(uri)));
    assertHeldRequestBilled(leftBefore);
  }

  @Test
  void clientResetsMidUploadWhileItsUsageCommits_strict_isBilled_andTheEngineRequestIsAborted() throws Exception {
    long leftBefore = probe();
    String uri = "/v1/default/serve/early/3000?reset-committing";
    resetWhileCommitting("PUT " + uri + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
        + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", () -> awaitEngineRequestAborted(uri));
    assertHeldRequestBilled(leftBefore);
  }

  /** A malformed chunk, or a body past {@code max_body_bytes}, after the engine answered and while its usage commits. */
  @ParameterizedTest
  @ValueSource(strings = {"malformed", "too-large"})
  void bodyFailsWhileItsUsageCommits_strict_isBilled_andTheClientGetsTheEngineStatusThenAClose(String fault)
      throws Exception {
    long leftBefore = probe();
    String uri = "/v1/default/serve/early/3000?" + fault;
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      try (AutoCloseable held = holdWrites()) {
        c.send("PUT " + uri + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
            + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        awaitCommitting();
        if (fault.equals("malformed")) {
          c.send("zz\r\n");
        } else {
          String chunk = "x".repeat(16 * 1024);
          for (int i = 0; i < 5; i++) {
            c.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
          }
        }
        awaitEngineRequestAborted(uri);
      }
      assertThat(c.readHead()).as("the engine answered before the fault: its status, not a 400 or 413").isEqualTo(200);
      assertThat(c.readUntilClosed()).as("the body is never ended as if complete").doesNotContain("0\r\n\r\n");
    }
    assertHeldRequestBilled(leftBefore);
  }
}
