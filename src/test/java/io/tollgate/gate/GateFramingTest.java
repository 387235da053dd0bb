package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The framing RFC 9112 says to reject and Netty lets through, class by class, on raw sockets: a Transfer-Encoding
 * on HTTP/1.0, every malformed chunk line and chunk delimiter, malformed trailers, every control or non-ASCII byte
 * in the request target, a missing, repeated or invalid Host, a Connection list naming the framing, and a field
 * name that is not a token. Each is refused with a problem body, the connection is closed, and nothing of it or of
 * a request pipelined behind it reaches the engine. Well-formed framing at the edges of the grammar still goes
 * through, byte for byte.
 */
final class GateFramingTest {
  @TempDir static Path dir;
  static GateFixture f;
  static String key;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "", Map.of());
    key = f.customer("{\"customer_id\":\"framing-1\",\"tier\":\"enterprise\"}");
    port = f.tollgate.server.gatePort();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static String put(String marker) {
    return put(marker, "HTTP/1.1");
  }

  private static String put(String marker, String version) {
    return "PUT /v1/default/items/" + marker + " " + version + "\r\nHost: gate\r\nAuthorization: Bearer " + key
        + "\r\n";
  }

  private static String chunked(String marker, String body) {
    return put(marker) + "Transfer-Encoding: chunked\r\n\r\n" + body;
  }

  private static String get(String marker) {
    return "GET /v1/default/items/" + marker + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key + "\r\n\r\n";
  }

  private static Arguments refused(String name, int status, Function<String, String> request) {
    return Arguments.of(name, status, request);
  }

  static Stream<Arguments> malformedFraming() {
    List<Arguments> cases = new ArrayList<>(List.of(
        refused("transfer-encoding on HTTP/1.0", 400,
            m -> put(m, "HTTP/1.0") + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        refused("transfer-encoding and content-length on HTTP/1.0", 400,
            m -> put(m, "HTTP/1.0") + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello"),
        refused("chunk size over 64 bits", 400, m -> chunked(m, "10000000000000000\r\nhello\r\n0\r\n\r\n")),
        refused("chunk size of 64 bits", 400, m -> chunked(m, "ffffffffffffffff\r\nhello\r\n0\r\n\r\n")),
        refused("chunk size with 0x", 400, m -> chunked(m, "0x5\r\nhello\r\n0\r\n\r\n")),
        refused("negative chunk size", 400, m -> chunked(m, "-5\r\nhello\r\n0\r\n\r\n")),
        refused("empty chunk size", 400, m -> chunked(m, "\r\nhello\r\n0\r\n\r\n")),
        refused("space after the chunk size", 400, m -> chunked(m, "5 \r\nhello\r\n0\r\n\r\n")),
        refused("chunk size line ended by a bare LF", 400, m -> chunked(m, "5\nhello\r\n0\r\n\r\n")),
        refused("control character in a chunk extension", 400, m -> chunked(m, "5;a=\u0001\r\nhello\r\n0\r\n\r\n")),
        refused("bare LF in a chunk extension", 400, m -> chunked(m, "5;a\nb\r\nhello\r\n0\r\n\r\n")),
        refused("chunk data longer than its size", 400, m -> chunked(m, "5\r\nhelloEXTRA\r\n0\r\n\r\n")),
        refused("chunk data shorter than its size", 400, m -> chunked(m, "5\r\nhel\r\n0\r\n\r\n")),
        refused("chunk data ended by a bare LF", 400, m -> chunked(m, "5\r\nhello\n0\r\n\r\n")),
        refused("chunk data ended by a bare CR", 400, m -> chunked(m, "5\r\nhello\r0\r\n\r\n")),
        refused("trailer without a colon", 400, m -> chunked(m, "5\r\nhello\r\n0\r\nno colon here\r\n\r\n")),
        refused("folded trailer", 400, m -> chunked(m, "5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n")),
        refused("NUL in a trailer", 400, m -> chunked(m, "5\r\nhello\r\n0\r\nX-T: a\u0000b\r\n\r\n")),
        refused("last chunk ended by a bare LF", 400, m -> chunked(m, "5\r\nhello\r\n0\r\n\n")),
        refused("two Host lines", 400, m -> get(m).replace("Host: gate\r\n", "Host: gate\r\nHost: other\r\n")),
        refused("no Host on HTTP/1.1", 400, m -> get(m).replace("Host: gate\r\n", "")),
        refused("Host holding a list", 400, m -> get(m).replace("Host: gate", "Host: gate, other")),
        refused("Host holding a space", 400, m -> get(m).replace("Host: gate", "Host: gate other")),
        refused("Host holding a path", 400, m -> get(m).replace("Host: gate", "Host: gate/x")),
        refused("Connection naming Content-Length", 400,
            m -> put(m) + "Connection: Content-Length\r\nContent-Length: 5\r\n\r\nhello"),
        refused("Connection naming Content-Length in a list", 400,
            m -> put(m) + "Connection: keep-alive, content-length\r\nContent-Length: 5\r\n\r\nhello"),
        refused("Connection naming Transfer-Encoding", 400,
            m -> chunked(m, "5\r\nhello\r\n0\r\n\r\n").replace("Transfer-Encoding", "Connection: Transfer-Encoding\r\n"
                + "Transfer-Encoding")),
        refused("Connection naming Host", 400, m -> get(m).replace("Host: gate\r\n", "Host: gate\r\nConnection: host\r\n")),
        refused("header name with a separator", 400, m -> get(m).replace("Host: gate\r\n", "Host: gate\r\nX(a): 1\r\n")),
        refused("space in the target", 400, m -> get(m).replace(" HTTP/1.1", "a b HTTP/1.1")),
        refused("fragment in the target", 400, m -> get(m).replace(" HTTP/1.1", "#frag HTTP/1.1"))));
    for (int c = 0; c < 0x20; c++) {
      if (c != '\r' && c != '\n') {
        char ch = (char) c;
        cases.add(refused(String.format("control character %02x in the target", c), 400,
            m -> get(m).replace(" HTTP/1.1", "a" + ch + "b HTTP/1.1")));
      }
    }
    for (int c : new int[] {0x7f, 0x80, 0xc3, 0xff}) {
      char ch = (char) c;
      cases.add(refused(String.format("byte %02x in the target", c), 400,
          m -> get(m).replace(" HTTP/1.1", "a" + ch + "b HTTP/1.1")));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("malformedFraming")
  void malformedFraming_withARequestPipelinedBehind_isRefused_andNothingReachesTheEngine(String name, int status,
      Function<String, String> request) throws Exception {
    String marker = EdgeAssertions.marker("framing", name);
    int before = f.engine.seen.size();
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send(request.apply(marker) + get(marker + "-behind"));
      EdgeAssertions.assertProblem(c.read(), status);
      assertThat(c.readUntilClosed()).as("anything after the refusal, before the close").isEmpty();
    }
    assertThat(f.engine.started).noneMatch(uri -> uri.contains(marker));
    EdgeAssertions.assertNothingElseReachedTheEngine(f, key, before, marker);
  }

  @Test
  void chunkDataLongerThanItsSize_afterTheHeadReachedTheEngine_isRefused_andTheEngineNeverSeesItComplete()
      throws Exception {
    String marker = "framing-late-long-chunk";
    String uri = "/v1/default/items/" + marker;
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send(chunked(marker, "5\r\nhello\r\n"));
      await().atMost(Duration.ofSeconds(5)).until(() -> f.engine.started.contains(uri));
      c.send("3\r\nabcdef\r\n0\r\n\r\n" + get(marker + "-behind"));
      EdgeAssertions.assertProblem(c.read(), 400);
      assertThat(c.readUntilClosed()).isEmpty();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(f.engine.seen)
        .filteredOn(s -> s.uri().contains(marker)).extracting(TestEngine.Seen::complete).containsExactly(false));
  }

  @Test
  void wellFormedChunkedBody_atTheEdgesOfTheGrammar_reachesTheEngineByteForByte() throws Exception {
    String marker = "framing-good-chunks";
    String body = "A;name=value;quoted=\"a b\"\r\n0123456789\r\n"
        + "00005 ;ext\r\nhello\r\n"
        + "3\t;tab\r\nabc\r\n"
        + "0;last\r\nX-Trailer: t1\r\nX-Other:\t t2 \r\n\r\n";
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send(chunked(marker, body) + get(marker + "-behind"));
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.read().status()).isEqualTo(200);
    }
    TestEngine.Seen seen = f.engine.seen.stream().filter(s -> s.uri().endsWith("/" + marker)).findFirst()
        .orElseThrow();
    assertThat(seen.complete()).isTrue();
    assertThat(seen.bodyBytes()).isEqualTo(18);
    assertThat(seen.bodySha256()).isEqualTo(sha256("0123456789helloabc"));
  }

  @Test
  void chunkedBody_sentOneByteAtATime_reachesTheEngineWhole() throws Exception {
    String marker = "framing-trickled-chunks";
    String request = chunked(marker, "5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-T: v\r\n\r\n");
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      for (byte b : request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) {
        c.send(new byte[] {b});
      }
      assertThat(c.read().status()).isEqualTo(200);
    }
    TestEngine.Seen seen = f.engine.seen.stream().filter(s -> s.uri().endsWith("/" + marker)).findFirst()
        .orElseThrow();
    assertThat(seen.bodySha256()).isEqualTo(sha256("hello world"));
  }

  @Test
  void http10WithoutHost_isServed() throws Exception {
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send("GET /v1/default/items/framing-http10 HTTP/1.0\r\nAuthorization: Bearer " + key + "\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  static String sha256(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
