package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the engine sees and answers, and how each answer is billed. */
final class GateEngineTest {
  @TempDir static Path dir;
  static GateFixture f;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "  engine_timeout: 500ms\n  max_body_bytes: 1MiB\n", Map.of());
    key = f.customer("{\"customer_id\":\"engine-1\",\"tier\":\"enterprise\"}");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void engine5xx_isPassedOn_notBilled_andCountedApart() {
    JsonNode before = f.usage("engine-1");
    Answer a = f.gate("GET", "/v1/default/serve/status/503", key);
    assertThat(a.status()).isEqualTo(503);
    JsonNode after = f.awaitUsage("engine-1", u -> u.get("rejected").path("engine_error").asLong()
        == before.get("rejected").path("engine_error").asLong() + 1);
    assertThat(after.get("requests").asLong()).isEqualTo(before.get("requests").asLong());
    assertThat(after.get("units_used").decimalValue()).isEqualByComparingTo(before.get("units_used").decimalValue());
  }

  @Test
  void engine4xx_isBilled() {
    JsonNode before = f.usage("engine-1");
    assertThat(f.gate("GET", "/v1/default/serve/status/404", key).status()).isEqualTo(404);
    f.awaitUsage("engine-1", u -> u.get("requests").asLong() == before.get("requests").asLong() + 1);
  }

  @Test
  void engineReportedUnits_areBilled_andTheHeaderStripped() {
    JsonNode before = f.usage("engine-1");
    Answer a = f.gate("POST", "/v1/default/serve/units/2.5", key, "{}", Map.of());
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("X-Tollgate-Units")).isNull();
    JsonNode after = f.awaitUsage("engine-1", u -> u.get("requests").asLong() == before.get("requests").asLong() + 1);
    assertThat(after.get("units_used").decimalValue().subtract(before.get("units_used").decimalValue()))
        .isEqualByComparingTo("2.5");
  }

  @Test
  void invalidEngineUnits_fallBackToTheRoutesUnits() {
    JsonNode before = f.usage("engine-1");
    assertThat(f.gate("POST", "/v1/default/serve/units/-3", key, "{}", Map.of()).status()).isEqualTo(200);
    JsonNode after = f.awaitUsage("engine-1", u -> u.get("requests").asLong() == before.get("requests").asLong() + 1);
    assertThat(after.get("units_used").decimalValue().subtract(before.get("units_used").decimalValue()))
        .isEqualByComparingTo("1");
  }

  @Test
  void slowEngine_is504_andNotBilled() {
    JsonNode before = f.usage("engine-1");
    Answer a = f.gate("GET", "/v1/default/serve/slow/3000", key);
    assertThat(a.status()).isEqualTo(504);
    assertThat(a.json().get("code").asText()).isEqualTo("engine_timeout");
    JsonNode after = f.awaitUsage("engine-1", u -> u.get("rejected").path("engine_timeout").asLong()
        == before.get("rejected").path("engine_timeout").asLong() + 1);
    assertThat(after.get("requests").asLong()).isEqualTo(before.get("requests").asLong());
  }

  private static String pipelined(String id) {
    return "GET /v1/default/items/" + id + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n";
  }

  @Test
  void declaredBodyOverTheLimit_is413_andNeitherItNorARequestPipelinedBehindReachesTheEngine() throws Exception {
    int before = f.engine.seen.size();
    String body = "x".repeat(1024 * 1024 + 1);
    try (RawHttp.Connection c = RawHttp.Connection.open(f.tollgate.server.gatePort(), Duration.ofSeconds(5))) {
      c.send("POST /v1/default/serve/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
          + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body + pipelined("behind-declared-413"));
      RawHttp.Response a = c.read();
      assertThat(a.status()).isEqualTo(413);
      assertThat(a.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(a.text()).contains("\"code\":\"payload_too_large\"");
      assertThat(c.readUntilClosed()).as("nothing after the refusal").isEmpty();
    }
    assertThat(f.engine.seen).hasSize(before);
  }

  @Test
  void streamedBodyOverTheLimit_is413_theEngineNeverSeesACompleteRequest_norOnePipelinedBehind() throws Exception {
    StringBuilder req = new StringBuilder("POST /v1/default/serve/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + key + "\r\nTransfer-Encoding: chunked\r\n\r\n");
    String chunk = "y".repeat(65536);
    for (int i = 0; i < 20; i++) {
      req.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    req.append("0\r\n\r\n").append(pipelined("behind-streamed-413"));
    String answer = RawHttp.exchange(f.tollgate.server.gatePort(), req.toString(), 3000);
    assertThat(RawHttp.statuses(answer)).containsExactly(413);
    assertThat(answer).contains("Content-Type: application/problem+json").contains("\"code\":\"payload_too_large\"");
    assertThat(f.engine.seen.stream().filter(s -> s.uri().endsWith("/upload")).allMatch(s -> !s.complete()))
        .isTrue();
    assertThat(f.engine.seen).noneMatch(s -> s.uri().endsWith("/behind-streamed-413"));
  }

  @Test
  void hopByHopAndSpoofedHeaders_neverReachTheEngine_andTheGatesOwnCannotBeRemoved() throws Exception {
    String request = "GET /v1/default/items/hop HTTP/1.1\r\nHost: gate.example\r\nAuthorization: Bearer " + key
        + "\r\nConnection: keep-alive, X-Custom, X-Tollgate-Customer, X-Tollgate-Tier\r\nX-Custom: 1\r\n"
        + "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\nUpgrade: h2c\r\n"
        + "X-Tollgate-Customer: someone-else\r\nX-Tollgate-Units: 0\r\nX-Forwarded-For: 6.6.6.6\r\n"
        + "Forwarded: for=6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nX-Request-Id: bad id with spaces\r\nX-Kept: yes\r\n\r\n";
    String answer = RawHttp.exchange(f.tollgate.server.gatePort(), request, 2000);
    assertThat(RawHttp.statuses(answer)).containsExactly(200);
    TestEngine.Seen seen = f.engine.seen.stream().filter(s -> s.uri().endsWith("/hop")).findFirst().orElseThrow();
    for (String h : new String[] {"X-Custom", "Keep-Alive", "TE", "Proxy-Authorization", "Upgrade", "Forwarded",
        "X-Real-IP", "X-Tollgate-Units", "Authorization"}) {
      assertThat(seen.header(h)).as(h).isNull();
    }
    assertThat(seen.headers().get("x-tollgate-customer")).containsExactly("engine-1");
    assertThat(seen.header("X-Tollgate-Tier")).isEqualTo("enterprise");
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("gate.example");
    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.header("X-Kept")).isEqualTo("yes");
    assertThat(seen.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    assertThat(answer).contains("X-Request-Id: " + seen.header("X-Request-Id"));
    assertThat(answer).contains("X-Engine: test").doesNotContain("secret-hop");
  }

  @Test
  void keepAlive_pipelinedRequestsWithoutBodies_areAllAnsweredInOrder() throws Exception {
    String one = "GET /v1/default/items/p%d HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n";
    String answer = RawHttp.exchange(f.tollgate.server.gatePort(),
        String.format(one, 1) + String.format(one, 2) + String.format(one, 3), 1500);
    assertThat(RawHttp.statuses(answer)).containsExactly(200, 200, 200);
    assertThat(answer.indexOf("/p1")).isLessThan(answer.indexOf("/p2"));
    assertThat(answer.indexOf("/p2")).isLessThan(answer.indexOf("/p3"));
  }

  @Test
  void largeResponse_isStreamedBack() {
    Answer a = f.gate("GET", "/v1/default/serve/download/20000000", key);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.text().length()).isEqualTo(20_000_000);
  }
}
