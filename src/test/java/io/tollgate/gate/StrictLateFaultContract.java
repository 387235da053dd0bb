package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * Strict metering commits a request's usage before the first byte of the engine's answer goes out. When the engine
 * then cuts its own answer (status and headers sent, then the connection closed mid-body), the committed usage is
 * taken back: as in batch mode, an engine that cuts its own answer is not billed, in the usage document, the daily
 * view and the billing export alike, and the quota gets the units back. A client that leaves after the engine
 * answered is still billed. A subclass per store supplies its URL.
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
    f = GateFixture.start(dir, "metering:\n  durability: strict\n  flush_interval_ms: 50\n", storeEnv());
    key = f.customer("{\"customer_id\":\"" + CUSTOMER + "\",\"tier\":\"enterprise\","
        + "\"limits\":{\"quota\":{\"units\":1000,\"period\":\"year\"}}}");
    port = f.tollgate.server.gatePort();
  }

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
}
