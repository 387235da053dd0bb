package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLA counts ride the usage batches: what a flush made durable survives {@code kill -9} exactly, and after the
 * restart new failures are counted once (no batch applied twice).
 */
final class SlaAcrossKillTest {
  private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  @TempDir Path dir;
  private TestEngine engine;
  private TollgateProcess tollgate;

  @AfterEach
  void stop() throws Exception {
    if (tollgate != null) {
      tollgate.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void kill9_afterAFlush_keepsTheSlaCountsExactly_andCountsLaterFailuresOnce() throws Exception {
    engine = new TestEngine();
    tollgate = TollgateProcess.start(dir, "gate:\n  engine: " + engine.url()
        + "\nmetering:\n  durability: batch\n  flush_interval_ms: 100\n", JVM_OPTIONS);
    String key = tollgate.customer("{\"customer_id\":\"sla-kill\",\"tier\":\"growth\"}");
    for (int i = 0; i < 5; i++) {
      assertThat(get("/v1/default/items/k" + i, key)).isEqualTo(200);
    }
    assertThat(get("/v1/default/serve/status/404", key)).isEqualTo(404);
    assertThat(get("/v1/default/serve/status/500", key)).isEqualTo(500);
    assertThat(get("/v1/default/serve/status/502", key)).isEqualTo(502);
    assertThat(get("/v1/private/items/x", key)).isEqualTo(403);
    await().atMost(Duration.ofSeconds(10)).until(() -> sla().path("eligible_requests").asLong() == 8);
    assertSla(8, 2);

    tollgate.kill();
    tollgate.restart();
    assertSla(8, 2);

    assertThat(get("/v1/default/serve/status/503", key)).isEqualTo(503);
    assertThat(get("/v1/default/items/after", key)).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> sla().path("eligible_requests").asLong() == 10);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
        .until(() -> sla().path("eligible_requests").asLong() == 10);
    assertSla(10, 3);
  }

  private void assertSla(long eligible, long failed) {
    JsonNode sla = sla();
    assertThat(sla.path("eligible_requests").asLong()).isEqualTo(eligible);
    assertThat(sla.path("failed_requests").asLong()).isEqualTo(failed);
    assertThat(sla.path("met").asBoolean()).isFalse();
  }

  private JsonNode sla() {
    return tollgate.admin("GET", "/admin/customers/sla-kill/usage", null).json().path("sla");
  }

  private int get(String path, String key) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tollgate.gatePort() + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + key).GET().build();
    return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
