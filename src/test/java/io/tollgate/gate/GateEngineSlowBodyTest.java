package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine_timeout} after the answer's head counts from the engine's last data: an engine that sends its head
 * at once and then its body slowly, over more than the timeout but never pausing that long, is streamed to the
 * client whole and billed (a stall that long is cut: {@code GateEngineStallTest}).
 */
final class GateEngineSlowBodyTest {
  private static final Duration ENGINE_TIMEOUT = Duration.ofMillis(500);
  private static final int CHUNKS = 8;
  private static final long CHUNK_EVERY_MS = 200; // the body takes 1.6 s, three times the timeout

  @TempDir static Path dir;
  static Vertx vertx;
  static NetServer engine;
  static RunningTollgate tollgate;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    engine = vertx.createNetServer().connectHandler(socket -> {
      boolean[] answered = {false};
      socket.handler(request -> {
        if (answered[0]) {
          return;
        }
        answered[0] = true;
        socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
        int[] sent = {0};
        vertx.setPeriodic(CHUNK_EVERY_MS, t -> {
          if (sent[0]++ < CHUNKS) {
            socket.write(Buffer.buffer("6\r\nchunk" + (sent[0] - 1) + "\r\n"));
          } else {
            vertx.cancelTimer(t);
            socket.write(Buffer.buffer("0\r\n\r\n"));
          }
        });
      });
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    tollgate = GateEngineSlowHeadTest.startInFrontOf(dir, engine, ENGINE_TIMEOUT);
    key = GateEngineSlowHeadTest.customerKey(tollgate, "slow-body-1");
  }

  @AfterAll
  static void stop() {
    tollgate.close();
    vertx.close();
  }

  private static long requests() {
    return tollgate.admin("GET", "/admin/customers/slow-body-1/usage").json().get("requests").asLong();
  }

  @Test
  void engineSendingItsBodySlowerThanTheEngineTimeout_isStreamedWhole_andBilled() {
    long before = requests();
    Answer a = tollgate.send("GET", tollgate.gateUri("/v1/default/items/slow-body"), null,
        Map.of("Authorization", "Bearer " + key));
    assertThat(a.status()).isEqualTo(200);
    StringBuilder whole = new StringBuilder();
    for (int i = 0; i < CHUNKS; i++) {
      whole.append("chunk").append(i);
    }
    assertThat(a.text()).isEqualTo(whole.toString());
    await().atMost(Duration.ofSeconds(10)).until(() -> requests() == before + 1);
  }
}
