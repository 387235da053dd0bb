package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults after the engine answered. The rule: once the engine answered (below 500), the request is billed, whatever
 * the client does next (a malformed chunk, a body past the limit, a reset, leaving mid-download). A fault of the
 * engine's own (it cuts its answer) is not billed, and the cut body is never ended as if it were complete.
 */
final class GateLateFaultTest {
  private static final String CUSTOMER = "late-1";

  @TempDir static Path dir;
  static GateFixture f;
  static String key;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "  max_body_bytes: 64KiB\n", Map.of());
    key = f.customer("{\"customer_id\":\"" + CUSTOMER + "\",\"tier\":\"enterprise\"}");
    port = f.tollgate.server.gatePort();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** A chunked upload to an engine that answers at once, its head read back before the test's fault. */
  private static RawHttp.Connection uploadAnsweredEarly() throws IOException {
    RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5));
    c.send("PUT /v1/default/serve/early/3000 HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
        + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    assertThat(c.readHead()).isEqualTo(200);
    return c;
  }

  private static void assertBilledOnce(JsonNode before) {
    JsonNode after = f.awaitUsage(CUSTOMER, u -> u.get("requests").asLong() == before.get("requests").asLong() + 1);
    assertThat(after.get("units_used").decimalValue().subtract(before.get("units_used").decimalValue()))
        .isEqualByComparingTo("1");
    assertThat(after.get("rejected")).isEqualTo(before.get("rejected"));
  }

  /** A bad chunk size, a size past 64 bits, a bare LF, a control character in an extension, chunk data longer than its size, a missing CRLF. */
  @ParameterizedTest
  @ValueSource(strings = {"zz\r\n", "10000000000000000\r\n", "3\nabc\r\n", "3;a\u0001b\r\nabc\r\n", "3\r\nabcdef\r\n0\r\n\r\n",
      "3\r\nabc0\r\n\r\n"})
  void malformedChunk_afterTheEngineAnswered_isBilled(String chunk) throws Exception {
    JsonNode before = f.usage(CUSTOMER);
    try (RawHttp.Connection c = uploadAnsweredEarly()) {
      c.send(chunk);
      c.readUntilClosed();
    }
    assertBilledOnce(before);
  }

  @Test
  void bodyPastTheLimit_afterTheEngineAnswered_isBilled() throws Exception {
    JsonNode before = f.usage(CUSTOMER);
    try (RawHttp.Connection c = uploadAnsweredEarly()) {
      String chunk = "x".repeat(16 * 1024);
      for (int i = 0; i < 6; i++) {
        c.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
      }
      c.readUntilClosed();
    } catch (java.net.SocketException closedWhileSending) {
      // the gate closed the connection once the body passed the limit
    }
    assertBilledOnce(before);
  }

  @Test
  void clientResetMidUpload_afterTheEngineAnswered_isBilled() throws Exception {
    JsonNode before = f.usage(CUSTOMER);
    RawHttp.Connection c = uploadAnsweredEarly();
    c.reset();
    assertBilledOnce(before);
  }

  @Test
  void clientResetMidUpload_beforeTheEngineAnswered_abortsTheEngineRequest_andIsNotBilled() throws Exception {
    JsonNode before = f.usage(CUSTOMER);
    String uri = "/v1/default/items/late-upload-reset";
    RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5));
    c.send("PUT " + uri + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
        + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.engine.started.contains(uri));
    c.reset();
    await().atMost(Duration.ofSeconds(5)).until(() -> f.engine.seen.stream().anyMatch(s -> s.uri().equals(uri)));
    assertThat(f.engine.seen).filteredOn(s -> s.uri().equals(uri)).extracting(TestEngine.Seen::complete)
        .containsExactly(false);
    JsonNode after = f.awaitUsage(CUSTOMER, u -> u.get("rejected").path("bad_request").asLong()
        == before.get("rejected").path("bad_request").asLong() + 1);
    assertThat(after.get("requests").asLong()).isEqualTo(before.get("requests").asLong());
  }

  @Test
  void clientLeavesWhileTheEngineWorks_afterItsUpload_abortsTheEngineRequest_andIsNotBilled() throws Exception {
    JsonNode before = f.usage(CUSTOMER);
    String uri = "/v1/default/serve/slow/4000?left-waiting";
    RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5));
    c.send("GET " + uri + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key + "\r\n\r\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.engine.started.contains(uri));
    c.reset();
    await("the gate aborts the engine request, well before the engine answers").atMost(Duration.ofSeconds(3))
        .until(() -> f.engine.cut.contains(uri));
    JsonNode after = f.awaitUsage(CUSTOMER, u -> u.get("rejected").path("bad_request").asLong()
        == before.get("rejected").path("bad_request").asLong() + 1);
    assertThat(after.get("requests").asLong()).isEqualTo(before.get("requests").asLong());
  }

  @Test
  void clientLeavesMidDownload_isBilled() throws Exception {
    JsonNode before = f.usage(CUSTOMER);
    RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5));
    c.send("GET /v1/default/serve/download/200000000 HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
        + "\r\n\r\n");
    assertThat(c.readHead()).isEqualTo(200);
    c.reset();
    assertBilledOnce(before);
  }

  @Test
  void clientFault_beforeTheEngineAnswered_isNotBilled() throws Exception {
    JsonNode before = f.usage(CUSTOMER);
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send("PUT /v1/default/items/late-before HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
          + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n");
      EdgeAssertions.assertProblem(c.read(), 400);
    }
    JsonNode after = f.awaitUsage(CUSTOMER, u -> u.get("rejected").path("bad_request").asLong()
        == before.get("rejected").path("bad_request").asLong() + 1);
    assertThat(after.get("requests").asLong()).isEqualTo(before.get("requests").asLong());
  }

  /** A chunked answer, streamed, that the engine cuts after some of it went out: the cut never looks complete. */
  @Test
  void engineCutsItsStreamedAnswer_isNotBilled_andTheCutBodyIsNotEndedAsComplete() throws Exception {
    JsonNode before = f.usage(CUSTOMER);
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send("GET /v1/default/serve/cut/1000 HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
          + "\r\n\r\n");
      assertThatThrownBy(c::read).isInstanceOf(IOException.class);
    }
    assertCutNotBilled(before);
  }

  /**
   * A small answer of declared length is read whole before any of it goes out: when the engine cuts it, the client
   * gets the 502 an engine failing before its head gives, with none of the engine's headers or partial body.
   */
  @Test
  void engineCutsASmallAnswerOfDeclaredLength_isAnswered502_andNotBilled() throws Exception {
    JsonNode before = f.usage(CUSTOMER);
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send("GET /v1/default/serve/cutlength/1000 HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
          + "\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.head()).startsWith("HTTP/1.1 502 Bad Gateway");
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
      assertThat(r.header("content-length")).isEqualTo(Integer.toString(r.body().length));
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"code\":\"engine_unavailable\"");
    }
    assertCutNotBilled(before);
  }

  private void assertCutNotBilled(JsonNode before) {
    JsonNode after = f.awaitUsage(CUSTOMER, u -> u.get("rejected").path("engine_unavailable").asLong()
        == before.get("rejected").path("engine_unavailable").asLong() + 1);
    assertThat(after.get("requests").asLong()).isEqualTo(before.get("requests").asLong());
    assertThat(f.gate("GET", "/health", null).status()).isEqualTo(200);
  }
}
