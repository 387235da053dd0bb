package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * The edge table of the gate listener (CONTRACT.md "Edge behaviour"), on raw sockets: each hostile or sloppy
 * request is refused with a problem body, nothing of it reaches the engine, and a request pipelined behind it on
 * the same connection is never processed; plus Upgrade, the idle timeout and slowloris.
 */
final class GateEdgeTest {
  /** Far enough apart that a test can tell which of the two timeouts closed a connection. */
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration IDLE_TIMEOUT = Duration.ofMillis(2500);
  private static final String SERVICE_KEY = "service-key-for-edge-tests-0123456789";

  @TempDir static Path dir;
  static GateFixture f;
  static String key;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "  header_timeout: " + HEADER_TIMEOUT.toMillis() + "ms\n  idle_timeout: "
        + IDLE_TIMEOUT.toMillis() + "ms\n", Map.of("TOLLGATE_SERVICE_KEY", SERVICE_KEY));
    key = f.customer("{\"customer_id\":\"edge-1\",\"tier\":\"enterprise\"}");
    port = f.tollgate.server.gatePort();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** The start of an allowed PUT (route and key are good), to be completed by the case's own headers. */
  private static String put(String marker) {
    return "PUT /v1/default/items/" + marker + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key + "\r\n";
  }

  private static String get(String marker) {
    return "GET /v1/default/items/" + marker + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key + "\r\n\r\n";
  }

  private static Arguments refused(String name, int status, Function<String, String> request) {
    return Arguments.of(name, status, request);
  }

  static Stream<Arguments> hostileRequests() {
    String filler = "a".repeat(1000);
    StringBuilder bigHeaders = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      bigHeaders.append("X-Filler-").append(i).append(": ").append(filler).append("\r\n");
    }
    return Stream.of(
        refused("content-length with transfer-encoding", 400,
            m -> put(m) + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        refused("two different content-lengths", 400,
            m -> put(m) + "Content-Length: 2\r\nContent-Length: 4\r\n\r\nabcd"),
        refused("transfer-encoding gzip", 501, m -> put(m) + "Transfer-Encoding: gzip\r\n\r\n"),
        refused("transfer-encoding gzip, chunked", 501,
            m -> put(m) + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
        refused("transfer-encoding chunked then identity on a second line", 501,
            m -> put(m) + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"),
        refused("obsolete line folding", 400, m -> put(m) + "X-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n"),
        refused("CR in a header value", 400, m -> put(m) + "X-Bad: a\rb\r\nContent-Length: 0\r\n\r\n"),
        refused("NUL in a header value", 400, m -> put(m) + "X-Bad: a\0b\r\nContent-Length: 0\r\n\r\n"),
        refused("space before a header's colon", 400, m -> put(m) + "X-Bad : a\r\nContent-Length: 0\r\n\r\n"),
        refused("invalid chunk size", 400,
            m -> put(m) + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
        refused("HTTP/2.0 request line", 505, m -> get(m).replace("HTTP/1.1", "HTTP/2.0")),
        refused("HTTP/0.9 request line", 505, m -> get(m).replace("HTTP/1.1", "HTTP/0.9")),
        refused("HTTP/0.9 simple request", 505, m -> "GET /v1/default/items/" + m + "\r\n\r\n"),
        refused("h2 prior-knowledge preface", 505, m -> "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        refused("CONNECT", 405, m -> "CONNECT other.example:443 HTTP/1.1\r\nHost: other.example:443\r\n"
            + "Authorization: Bearer " + key + "\r\n\r\n"),
        refused("absolute-form target naming another host", 421,
            m -> get(m).replace("GET /v1/", "GET http://other.example/v1/")),
        refused("request line over 8 KiB", 414,
            m -> get(m).replace(" HTTP/1.1", "?pad=" + "a".repeat(9000) + " HTTP/1.1")),
        refused("header block over 32 KiB", 431, m -> put(m) + bigHeaders + "Content-Length: 0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("hostileRequests")
  void hostileRequest_withARequestPipelinedBehind_isRefusedWithProblem_andNothingReachesTheEngine(String name,
      int status, Function<String, String> request) throws Exception {
    String marker = EdgeAssertions.marker("edge", name);
    int before = f.engine.seen.size();
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send(request.apply(marker) + get(marker + "-behind"));
      RawHttp.Response refusal = c.read();
      EdgeAssertions.assertProblem(refusal, status);
      assertThat(c.readUntilClosed()).as("anything after the refusal, before the close").isEmpty();
    }
    EdgeAssertions.assertNothingElseReachedTheEngine(f, key, before, marker);
  }

  @Test
  void obsoleteLineFolding_arrivingInALaterRead_is400_andNothingReachesTheEngine() throws Exception {
    String marker = "edge-split-fold";
    int before = f.engine.seen.size();
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send(put(marker) + "X-Folded: a\r\n");
      pauseBetweenReads();
      c.send(" b\r\nContent-Length: 0\r\n\r\n" + get(marker + "-behind"));
      EdgeAssertions.assertProblem(c.read(), 400);
      assertThat(c.readUntilClosed()).isEmpty();
    }
    EdgeAssertions.assertNothingElseReachedTheEngine(f, key, before, marker);
  }

  /** Lets the gate read what was sent so far on its own; there is no condition to wait for. */
  private static void pauseBetweenReads() throws InterruptedException {
    Thread.sleep(200);
  }

  @Test
  void invalidChunkSize_afterTheBodyReachedTheEngine_is400_andTheEngineNeverSeesACompleteRequest() throws Exception {
    String marker = "edge-late-invalid-chunk";
    String uri = "/v1/default/items/" + marker;
    int before = f.engine.seen.size();
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send(put(marker) + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> f.engine.started.contains(uri));
      c.send("zz\r\nworld\r\n0\r\n\r\n" + get(marker + "-behind"));
      EdgeAssertions.assertProblem(c.read(), 400);
      assertThat(c.readUntilClosed()).isEmpty();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(f.engine.seen.subList(before, f.engine.seen.size()))
            .extracting(TestEngine.Seen::uri, TestEngine.Seen::complete).containsExactly(tuple(uri, false)));
  }

  @Test
  void invalidChunkSize_afterAWholeVerifyBody_is400_notAVerdict() throws Exception {
    String body = "{\"key\":\"" + key + "\"}";
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send("POST /v1/verify HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + SERVICE_KEY
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(body.length()) + "\r\n" + body + "\r\nzz\r\n0\r\n\r\n");
      EdgeAssertions.assertProblem(c.read(), 400);
      assertThat(c.readUntilClosed()).isEmpty();
    }
  }

  @Test
  void websocketUpgrade_isNotForwarded_andAnsweredAsPlainHttp() throws Exception {
    assertUpgradeIgnored("edge-websocket", "Connection: Upgrade\r\nUpgrade: websocket\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
  }

  @Test
  void h2cUpgrade_isNotForwarded_andAnsweredAsPlainHttp() throws Exception {
    assertUpgradeIgnored("edge-h2c", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
        + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n");
  }

  private static void assertUpgradeIgnored(String marker, String upgradeHeaders) throws Exception {
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send(get(marker).replace("\r\n\r\n", "\r\n" + upgradeHeaders + "\r\n") + get(marker + "-after"));
      RawHttp.Response first = c.read();
      RawHttp.Response second = c.read();
      assertThat(first.status()).as(first.head()).isEqualTo(200);
      assertThat(first.header("Upgrade")).isNull();
      assertThat(second.status()).as("the connection stays HTTP/1.1").isEqualTo(200);
    }
    TestEngine.Seen seen = f.engine.seen.stream().filter(s -> s.uri().endsWith("/" + marker)).findFirst()
        .orElseThrow();
    assertThat(seen.header("Upgrade")).isNull();
    assertThat(seen.header("HTTP2-Settings")).isNull();
    assertThat(seen.header("Connection")).satisfiesAnyOf(
        h -> assertThat(h).isNull(), h -> assertThat(h).doesNotContainIgnoringCase("upgrade"));
  }

  @Test
  void idleKeepAliveConnection_isClosedAfterTheIdleTimeout() throws Exception {
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(10))) {
      c.send(get("edge-idle"));
      assertThat(c.read().status()).isEqualTo(200);
      long idleSince = System.nanoTime();
      assertThat(c.readUntilClosed()).isEmpty();
      Duration idle = Duration.ofNanos(System.nanoTime() - idleSince);
      assertThat(idle).isBetween(IDLE_TIMEOUT.minusMillis(100), IDLE_TIMEOUT.plusSeconds(2));
    }
  }

  /**
   * A connection that answers a request every 1 s stays open well past the 2.5 s idle timeout counted from its
   * first answer (one timer per connection, waited out again after each answer), then closes 2.5 s after its last.
   */
  @Test
  void keepAliveConnectionInUse_staysOpenPastTheIdleTimeout_andClosesThatLongAfterItsLastAnswer() throws Exception {
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(10))) {
      for (int i = 0; i < 4; i++) {
        if (i > 0) {
          Thread.sleep(1000); // the pacing of the client's requests, not a wait for a condition
        }
        c.send(get("edge-in-use-" + i));
        assertThat(c.read().status()).as("request %d on the same connection", i).isEqualTo(200);
      }
      long idleSince = System.nanoTime(); // a little after the gate sent the answer, on a loaded machine more
      assertThat(c.readUntilClosed()).isEmpty();
      // idle from the answer on, not from the request (that would close it at once, as the engine took longer)
      assertThat(Duration.ofNanos(System.nanoTime() - idleSince))
          .isBetween(IDLE_TIMEOUT.minusMillis(500), IDLE_TIMEOUT.plusSeconds(2));
    }
  }

  @Test
  void engineAnswerSlowerThanTheIdleTimeout_isStillDelivered_theConnectionIsNotIdleMeanwhile() throws Exception {
    long slow = IDLE_TIMEOUT.plusSeconds(1).toMillis();
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(10))) {
      c.send("GET /v1/default/serve/slow/" + slow + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
          + "\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      long idleSince = System.nanoTime(); // a little after the gate sent the answer, on a loaded machine more
      assertThat(c.readUntilClosed()).isEmpty();
      // idle from the answer on, not from the request (that would close it at once, as the engine took longer)
      assertThat(Duration.ofNanos(System.nanoTime() - idleSince))
          .isBetween(IDLE_TIMEOUT.minusMillis(500), IDLE_TIMEOUT.plusSeconds(2));
    }
  }

  @Test
  void slowloris_tricklingItsFirstHeaders_isClosedAfterTheHeaderTimeout_whileOthersAreServed() throws Exception {
    try (RawHttp.Connection slow = RawHttp.Connection.open(port, Duration.ofSeconds(10))) {
      Duration open = trickleUntilClosed(slow, "GET /v1/default/items/edge-slowloris HTTP/1.1\r\nHost: gate\r\n",
          () -> assertThat(f.gate("GET", "/v1/default/items/edge-meanwhile", key).status()).isEqualTo(200));
      // well before the idle timeout: the header timeout closed it
      assertThat(open).isBetween(HEADER_TIMEOUT.minusMillis(100), IDLE_TIMEOUT.minusMillis(300));
    }
    assertThat(f.engine.seen).noneMatch(s -> s.uri().contains("edge-slowloris"));
  }

  @Test
  void slowloris_tricklingTheHeadersOfAKeepAliveRequest_isClosedAfterTheHeaderTimeout() throws Exception {
    try (RawHttp.Connection slow = RawHttp.Connection.open(port, Duration.ofSeconds(10))) {
      slow.send(get("edge-before-slowloris"));
      assertThat(slow.read().status()).isEqualTo(200);
      Duration open = trickleUntilClosed(slow,
          "GET /v1/default/items/edge-slowloris-2 HTTP/1.1\r\nHost: gate\r\n", () -> { });
      assertThat(open).isBetween(HEADER_TIMEOUT.minusMillis(100), IDLE_TIMEOUT.minusMillis(300));
    }
    assertThat(f.engine.seen).noneMatch(s -> s.uri().contains("edge-slowloris-2"));
  }

  @Test
  void keepAliveRequest_afterAPauseLongerThanTheHeaderTimeout_isServed() throws Exception {
    // the connection's one header timer fires during the pause, with no head being read: it must not close
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(10))) {
      c.send(get("edge-before-pause"));
      assertThat(c.read().status()).isEqualTo(200);
      Thread.sleep(HEADER_TIMEOUT.plusMillis(600).toMillis()); // the client's pause, shorter than the idle timeout
      c.send(get("edge-after-pause"));
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void slowloris_startingItsHeadsLateInTheConnection_hasTheWholeHeaderTimeoutFromItsFirstByte() throws Exception {
    // the timer armed for the first head fires while this one trickles: it waits out this head's own deadline
    try (RawHttp.Connection slow = RawHttp.Connection.open(port, Duration.ofSeconds(10))) {
      slow.send(get("edge-before-late-slowloris"));
      assertThat(slow.read().status()).isEqualTo(200);
      Thread.sleep(HEADER_TIMEOUT.multipliedBy(6).dividedBy(10).toMillis()); // the client's pause
      Duration open = trickleUntilClosed(slow,
          "GET /v1/default/items/edge-late-slowloris HTTP/1.1\r\nHost: gate\r\n", () -> { });
      assertThat(open).isBetween(HEADER_TIMEOUT.minusMillis(100), IDLE_TIMEOUT.minusMillis(300));
    }
    assertThat(f.engine.seen).noneMatch(s -> s.uri().contains("edge-late-slowloris"));
  }

  /**
   * Sends {@code start}, then one more header line every 200 ms, runs {@code meanwhile} while the connection is
   * still open, and returns how long the server kept it open after {@code start}.
   */
  private static Duration trickleUntilClosed(RawHttp.Connection slow, String start, Runnable meanwhile)
      throws Exception {
    ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    try {
      long since = System.nanoTime();
      slow.send(start);
      int[] n = {0};
      trickler.scheduleAtFixedRate(() -> {
        try {
          slow.send("X-Trickle-" + n[0]++ + ": 1\r\n");
        } catch (IOException e) {
          throw new IllegalStateException("closed", e); // ends the schedule
        }
      }, 200, 200, TimeUnit.MILLISECONDS);
      meanwhile.run();
      assertThat(Duration.ofNanos(System.nanoTime() - since)).as("served while the slow connection was open")
          .isLessThan(HEADER_TIMEOUT);
      assertThat(slow.readUntilClosed()).as("no answer to a request whose headers never ended").isEmpty();
      return Duration.ofNanos(System.nanoTime() - since);
    } finally {
      trickler.shutdownNow();
    }
  }
}
