package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that trickles its response head, a byte at a time, so that no idle timeout ever fires (slowloris on
 * the response side): the client gets {@code 504 engine_timeout} at {@code gate.engine_timeout}, the request is not
 * billed, and the gate stays healthy.
 */
final class GateEngineSlowHeadTest {
  private static final Duration ENGINE_TIMEOUT = Duration.ofMillis(1200);

  @TempDir static Path dir;
  static Vertx vertx;
  static NetServer engine;
  static RunningTollgate tollgate;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes();
    engine = vertx.createNetServer().connectHandler(socket -> {
      int[] sent = {0};
      socket.handler(request -> { });
      long timer = vertx.setPeriodic(100, t -> socket.write(io.vertx.core.buffer.Buffer.buffer(
          new byte[] {head[Math.min(sent[0]++, head.length - 1)]})));
      socket.closeHandler(v -> vertx.cancelTimer(timer));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    tollgate = startInFrontOf(dir, engine, ENGINE_TIMEOUT);
    key = customerKey(tollgate, "slow-head-1");
  }

  /** A {@code tollgate serve} process in front of {@code engine} with this {@code engine_timeout}. */
  static RunningTollgate startInFrontOf(Path dir, NetServer engine, Duration engineTimeout) throws Exception {
    Path config = dir.resolve("tollgate.yaml");
    Files.writeString(config, "gate:\n  engine: http://127.0.0.1:" + engine.actualPort() + "\n  engine_timeout: "
        + engineTimeout.toMillis() + "ms\n");
    return RunningTollgate.start(dir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY),
        Optional.of(config));
  }

  /** The key of a new enterprise-tier customer {@code id}. */
  static String customerKey(RunningTollgate tollgate, String id) {
    Answer a = tollgate.admin("POST", "/admin/customers", "{\"customer_id\":\"" + id + "\",\"tier\":\"enterprise\"}");
    return a.json().get("api_key").get("key").asText();
  }

  @AfterAll
  static void stop() {
    tollgate.close();
    vertx.close();
  }

  private static JsonNode usage() {
    return tollgate.admin("GET", "/admin/customers/slow-head-1/usage").json();
  }

  @Test
  void engineTricklingItsHead_is504AtTheEngineTimeout_andNotBilled() {
    JsonNode before = usage();
    long start = System.nanoTime();
    Answer a = tollgate.send("GET", tollgate.gateUri("/v1/default/items/slow-head"), null,
        Map.of("Authorization", "Bearer " + key));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(a.status()).isEqualTo(504);
    assertThat(a.json().get("code").asText()).isEqualTo("engine_timeout");
    assertThat(took).isLessThan(ENGINE_TIMEOUT.multipliedBy(3));
    JsonNode after = usage();
    await().atMost(Duration.ofSeconds(5)).until(() -> usage().get("rejected").path("engine_timeout").asLong()
        == before.get("rejected").path("engine_timeout").asLong() + 1);
    assertThat(usage().get("requests").asLong()).isEqualTo(before.get("requests").asLong());
    assertThat(after).isNotNull();
    assertThat(tollgate.send("GET", tollgate.gateUri("/health"), null, Map.of()).status()).isEqualTo(200);
  }
}
