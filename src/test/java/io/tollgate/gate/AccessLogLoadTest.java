package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under load the access log keeps up: every request answered leaves exactly one line, and every line parses. */
final class AccessLogLoadTest {
  private static final int REQUESTS = 50_000;
  private static final int IN_FLIGHT = 64;

  @TempDir Path dir;

  @Test
  void accessLog_fiftyThousandRequests_leaveExactlyFiftyThousandJsonLines() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "access_log:\n  target: file\n  file: access.log\n", Map.of())) {
      String key = f.customer("{\"customer_id\":\"load-1\",\"limits\":{\"rate_limit\":{\"requests\":1000000,"
          + "\"window_s\":1,\"burst\":1000000},\"quota\":{\"units\":100000000,\"period\":\"month\"}}}");
      Map<Integer, AtomicInteger> statuses = load(f.tollgate.server.gatePort(), key);
      assertThat(statuses.keySet()).containsExactly(200);
      assertThat(statuses.get(200).get()).isEqualTo(REQUESTS);

      List<JsonNode> lines = GateTelemetryTest.awaitLines(dir.resolve("data").resolve("access.log"), REQUESTS);
      Set<String> ids = new HashSet<>();
      for (JsonNode line : lines) {
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("customer").asText()).isEqualTo("load-1");
        ids.add(line.get("request_id").asText());
      }
      assertThat(ids).hasSize(REQUESTS).allMatch(id -> id.startsWith("load-"));
      assertThat(java.nio.file.Files.readString(dir.resolve("data").resolve("access.log"))).doesNotContain(key);
    }
  }

  /** Sends {@link #REQUESTS} GETs over 16 keep-alive connections, {@link #IN_FLIGHT} at a time; statuses counted. */
  private static Map<Integer, AtomicInteger> load(int port, String key) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultPort(port)
          .setDefaultHost("127.0.0.1"), new PoolOptions().setHttp1MaxSize(16));
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      AtomicInteger issued = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();
      CompletableFuture<Void> finished = new CompletableFuture<>();
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        int i = issued.getAndIncrement();
        if (i >= REQUESTS) {
          return;
        }
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setURI("/v1/default/items/" + i)
            .putHeader("Authorization", "Bearer " + key).putHeader("X-Request-Id", "load-" + i);
        client.request(o).compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
            .onComplete(ar -> {
              int status = ar.succeeded() ? ar.result() : -1;
              statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
              if (done.incrementAndGet() == REQUESTS) {
                finished.complete(null);
              } else {
                next[0].run();
              }
            });
      };
      vertx.runOnContext(v -> {
        for (int i = 0; i < IN_FLIGHT; i++) {
          next[0].run();
        }
      });
      finished.get(5, TimeUnit.MINUTES);
      return statuses;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
