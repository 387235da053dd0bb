package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gate.engine_timeout} once the engine's answer has started: an engine that sends its head and some of its
 * body and then nothing more is cut after that long without data (the client's connection closed without a
 * complete body, or a {@code 504} when none of the answer had gone out yet; the request not billed, counted as
 * {@code engine_timeout}); an engine that keeps sending, however
 * slowly, and a client that holds a fast engine back by reading slowly, are never cut.
 */
final class GateEngineStallTest {
  private static final Duration ENGINE_TIMEOUT = Duration.ofMillis(800);
  private static final int BIG = 64 * 1024 * 1024;

  @TempDir static Path dir;
  static Vertx vertx;
  static NetServer engine;
  static RunningTollgate tollgate;
  static String key;
  /** Whether the engine's socket is full right now on the {@code big} answer: the gate holds the engine back. */
  static final AtomicBoolean engineHeldBack = new AtomicBoolean();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    engine = vertx.createNetServer().connectHandler(GateEngineStallTest::serve).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    tollgate = GateEngineSlowHeadTest.startInFrontOf(dir, engine, ENGINE_TIMEOUT);
    key = GateEngineSlowHeadTest.customerKey(tollgate, "stalled-1");
  }

  @AfterAll
  static void stop() {
    tollgate.close();
    vertx.close();
  }

  /**
   * A raw engine: what it answers depends on the request's last path segment. The gate keeps its connections
   * alive, so each request head (GETs only, no body) is answered as it comes.
   */
  private static void serve(NetSocket socket) {
    StringBuilder head = new StringBuilder();
    socket.handler(data -> {
      head.append(data.toString(StandardCharsets.ISO_8859_1));
      if (head.indexOf("\r\n\r\n") < 0) {
        return;
      }
      String target = head.substring(head.indexOf(" ") + 1, head.indexOf(" ", head.indexOf(" ") + 1));
      head.setLength(0);
      String what = target.substring(target.lastIndexOf('/') + 1);
      switch (what) {
        case "stall-chunked" -> socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        case "stall-length" -> socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 10\r\n\r\nhello");
        case "trickle" -> {
          socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
          int[] left = {8};
          vertx.setPeriodic(ENGINE_TIMEOUT.toMillis() / 3, t -> {
            if (left[0]-- > 0) {
              socket.write("1\r\nx\r\n");
            } else {
              vertx.cancelTimer(t);
              socket.write("0\r\n\r\n");
            }
          });
        }
        case "big" -> {
          socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + BIG
              + "\r\n\r\n");
          pump(socket, Buffer.buffer(new byte[64 * 1024]), new long[] {BIG});
        }
        default -> socket.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      }
    });
  }

  /** Writes {@code left} bytes as fast as the socket takes them, marking when it is full. */
  private static void pump(NetSocket socket, Buffer chunk, long[] left) {
    while (left[0] > 0 && !socket.writeQueueFull()) {
      int n = (int) Math.min(left[0], chunk.length());
      socket.write(n == chunk.length() ? chunk : chunk.getBuffer(0, n));
      left[0] -= n;
    }
    if (left[0] > 0) {
      engineHeldBack.set(true);
      socket.drainHandler(v -> {
        engineHeldBack.set(false);
        pump(socket, chunk, left);
      });
    }
  }

  private static JsonNode usage() {
    return tollgate.admin("GET", "/admin/customers/stalled-1/usage").json();
  }

  private static String get(String what) {
    return "GET /v1/default/items/" + what + " HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key + "\r\n\r\n";
  }

  @Test
  void engineStallingMidBody_isCutAfterTheEngineTimeout_notEndedAsComplete_andNotBilled() throws Exception {
    JsonNode before = usage();
    try (RawHttp.Connection c = RawHttp.Connection.open(tollgate.server.gatePort(), Duration.ofSeconds(10))) {
      c.send(get("stall-chunked"));
      assertThat(c.readHead()).isEqualTo(200);
      long since = System.nanoTime(); // the engine's last data came before this
      String rest = c.readUntilClosed();
      Duration open = Duration.ofNanos(System.nanoTime() - since);
      assertThat(rest).contains("hello").doesNotContain("0\r\n\r\n"); // what came, never the chunked end
      assertThat(open).isBetween(ENGINE_TIMEOUT.minusMillis(300), ENGINE_TIMEOUT.multipliedBy(3));
    }
    JsonNode after = awaitRejected(before, 1);
    assertThat(after.get("requests").asLong()).isEqualTo(before.get("requests").asLong());
  }

  @Test
  void engineStallingInASmallBodyOfDeclaredLength_isAnswered504AfterTheEngineTimeout_andNotBilled()
      throws Exception {
    JsonNode before = usage();
    try (RawHttp.Connection c = RawHttp.Connection.open(tollgate.server.gatePort(), Duration.ofSeconds(10))) {
      long since = System.nanoTime();
      c.send(get("stall-length"));
      // a small answer is read whole before any of it goes out: the client can still be told what happened
      RawHttp.Response r = c.read();
      assertThat(Duration.ofNanos(System.nanoTime() - since)).isBetween(ENGINE_TIMEOUT.minusMillis(100),
          ENGINE_TIMEOUT.multipliedBy(3));
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.head()).startsWith("HTTP/1.1 504 Gateway Timeout");
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"code\":\"engine_timeout\"")
          .doesNotContain("hello"); // none of the engine's partial body
    }
    JsonNode after = awaitRejected(before, 1);
    assertThat(after.get("requests").asLong()).isEqualTo(before.get("requests").asLong());
  }

  @Test
  void engineTricklingItsBodyForLongerThanTheEngineTimeout_isDeliveredWhole_andBilled() throws Exception {
    JsonNode before = usage();
    try (RawHttp.Connection c = RawHttp.Connection.open(tollgate.server.gatePort(), Duration.ofSeconds(10))) {
      long since = System.nanoTime();
      c.send(get("trickle"));
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("xxxxxxxx");
      assertThat(Duration.ofNanos(System.nanoTime() - since)).isGreaterThan(ENGINE_TIMEOUT.multipliedBy(2));
    }
    await().atMost(Duration.ofSeconds(5))
        .until(() -> usage().get("requests").asLong() == before.get("requests").asLong() + 1);
  }

  @Test
  void clientReadingSlowerThanTheEngineSends_holdsTheEngineBackForLongerThanTheTimeout_andGetsTheWholeBody()
      throws Exception {
    JsonNode before = usage();
    try (RawHttp.Connection c = RawHttp.Connection.open(tollgate.server.gatePort(), Duration.ofSeconds(30))) {
      c.send(get("big"));
      await().atMost(Duration.ofSeconds(20)).until(engineHeldBack::get); // every buffer between them is full
      // the client reads nothing for twice the timeout: the gate holds the engine back all along
      await().during(ENGINE_TIMEOUT.multipliedBy(2)).atMost(ENGINE_TIMEOUT.multipliedBy(2).plusSeconds(10))
          .until(engineHeldBack::get);
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).hasSize(BIG);
    }
    await().atMost(Duration.ofSeconds(5))
        .until(() -> usage().get("requests").asLong() == before.get("requests").asLong() + 1);
    assertThat(usage().get("rejected").path("engine_timeout").asLong())
        .isEqualTo(before.get("rejected").path("engine_timeout").asLong());
  }

  private static JsonNode awaitRejected(JsonNode before, int more) {
    long expected = before.get("rejected").path("engine_timeout").asLong() + more;
    await().atMost(Duration.ofSeconds(5)).until(() -> usage().get("rejected").path("engine_timeout").asLong()
        == expected);
    return usage();
  }
}
