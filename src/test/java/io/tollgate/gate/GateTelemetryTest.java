package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What operators watch: {@code GET /metrics} counts exactly what happened, the access log has one line a request. */
final class GateTelemetryTest {
  private static final String SERVICE_KEY = "test-service-key-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCESS_LOG = "access_log:\n  target: file\n  file: access.log\n";

  @TempDir Path dir;

  @Test
  void metrics_afterAllowedAndRefusedRequests_countExactlyWhatHappened() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "", Map.of("TOLLGATE_SERVICE_KEY", SERVICE_KEY))) {
      List<String> secrets = scenario(f);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Scrape s = scrape(f);
        Map.of("proxy get allowed", 6, "proxy get unauthorized", 2, "proxy none route_not_found", 1,
            "proxy get namespace_denied", 1, "proxy get rate_limited", 1, "proxy get quota_exceeded", 1,
            "proxy serve engine_error", 1, "verify verify allowed", 1).forEach((labels, n) -> {
              String[] l = labels.split(" ");
              assertThat(s.value("tollgate_gate_requests_total", "mode", l[0], "operation", l[1], "outcome", l[2]))
                  .as(labels).isEqualTo(n.doubleValue());
            });
        assertThat(s.value("tollgate_gate_limit_refusals_total", "limit", "rate")).isEqualTo(1);
        assertThat(s.value("tollgate_gate_limit_refusals_total", "limit", "quota")).isEqualTo(1);
        assertThat(s.value("tollgate_gate_units_billed_total", "operation", "get")).isEqualTo(3.0);
        assertThat(s.value("tollgate_gate_decision_seconds_count")).isEqualTo(13);
        assertThat(s.value("tollgate_gate_engine_seconds_count", "operation", "get")).isEqualTo(6);
        assertThat(s.value("tollgate_gate_engine_seconds_count", "operation", "serve")).isEqualTo(1);
        assertThat(s.value("tollgate_registry_customers")).isEqualTo(3);
        assertThat(s.value("tollgate_registry_keys")).isEqualTo(3);
        assertThat(s.value("tollgate_store_up")).isEqualTo(1);
        assertThat(s.value("tollgate_metering_backlog_events")).isEqualTo(0);
        assertThat(s.value("tollgate_metering_flush_seconds_count")).isPositive();
        assertThat(s.value("jvm_memory_used_bytes", "area", "heap", "id", "G1 Eden Space")).isPositive();
        assertThat(s.value("process_uptime_seconds")).isPositive();
        assertThat(s.samples().keySet()).noneMatch(k -> k.startsWith("tollgate_customer_"));
      });
      String text = scrape(f).text();
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  @Test
  void metrics_registryReloads_areCountedByResult() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "", Map.of())) {
      assertThat(f.tollgate.admin("POST", "/admin/registry/reload").status()).isEqualTo(200);
      Files.writeString(dir.resolve("tollgate.yaml"), "\nrouts: []\n", java.nio.file.StandardOpenOption.APPEND);
      assertThat(f.tollgate.admin("POST", "/admin/registry/reload").status()).isEqualTo(422);
      Scrape s = scrape(f);
      assertThat(s.value("tollgate_registry_reloads_total", "result", "reloaded")).isEqualTo(1);
      assertThat(s.value("tollgate_registry_reloads_total", "result", "refused")).isEqualTo(1);
    }
  }

  @Test
  void metrics_perCustomerEnabled_labelsAtMostTheLimit_andTheRestAsOther() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "metrics:\n  per_customer: true\n  per_customer_limit: 2\n",
        Map.of())) {
      for (String id : List.of("pc-1", "pc-2", "pc-3")) {
        String key = f.customer("{\"customer_id\":\"" + id + "\"}");
        assertThat(f.gate("GET", "/v1/default/items/a", key).status()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Scrape s = scrape(f);
        assertThat(s.value("tollgate_customer_requests_total", "customer", "pc-1", "outcome", "allowed")).isEqualTo(1);
        assertThat(s.value("tollgate_customer_requests_total", "customer", "pc-2", "outcome", "allowed")).isEqualTo(1);
        assertThat(s.value("tollgate_customer_requests_total", "customer", "_other", "outcome", "allowed"))
            .isEqualTo(1);
        assertThat(s.value("tollgate_customer_units_billed_total", "customer", "pc-1")).isEqualTo(0.5);
        assertThat(s.samples().keySet()).noneMatch(k -> k.contains("pc-3"));
      });
    }
  }

  @Test
  void accessLog_oneJsonLinePerRequest_withOutcomeFields_andNoKey() throws Exception {
    try (GateFixture f = GateFixture.start(dir, ACCESS_LOG, Map.of("TOLLGATE_SERVICE_KEY", SERVICE_KEY))) {
      List<String> secrets = scenario(f);
      Answer tagged = f.gate("PUT", "/v1/default/items/tagged", secrets.get(0), "{}", Map.of("X-Request-Id", "req-1"));
      assertThat(tagged.status()).isEqualTo(200);
      Path log = dir.resolve("data").resolve("access.log");
      // the scenario's 15 requests and this one
      List<JsonNode> lines = awaitLines(log, 16);
      JsonNode line = lines.stream().filter(l -> l.get("request_id").asText().equals("req-1")).findFirst()
          .orElseThrow();
      assertThat(line.get("customer").asText()).isEqualTo("m-1");
      assertThat(line.get("key_id").asText()).startsWith("key_");
      assertThat(line.get("namespace").asText()).isEqualTo("default");
      assertThat(line.get("operation").asText()).isEqualTo("put");
      assertThat(line.get("units").asInt()).isEqualTo(1);
      assertThat(line.get("status").asInt()).isEqualTo(200);
      assertThat(line.get("code").isNull()).isTrue();
      assertThat(line.get("bytes_in").asLong()).isEqualTo(2);
      assertThat(line.get("bytes_out").asLong()).isPositive();
      assertThat(line.get("engine_ms").asDouble()).isPositive();
      assertThat(line.get("total_ms").asDouble()).isGreaterThanOrEqualTo(line.get("engine_ms").asDouble());
      assertThat(lines).filteredOn(l -> l.get("status").asInt() == 429)
          .extracting(l -> l.get("code").asText()).containsExactlyInAnyOrder("rate_limited", "quota_exceeded");
      assertThat(lines).filteredOn(l -> "engine_error".equals(l.get("code").asText()))
          .extracting(l -> l.get("status").asInt()).containsExactly(503);
      String text = Files.readString(log);
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
      assertThat(f.tollgate.console).doesNotContain(secrets.get(0));
    }
  }

  @Test
  void accessLog_clientGoneBeforeTheAnswer_isLoggedAs499() throws Exception {
    try (GateFixture f = GateFixture.start(dir, ACCESS_LOG, Map.of())) {
      String key = f.customer("{\"customer_id\":\"gone-1\"}");
      try (Socket s = new Socket("127.0.0.1", f.tollgate.server.gatePort())) {
        OutputStream out = s.getOutputStream();
        out.write(("GET /v1/default/serve/slow/3000 HTTP/1.1\r\nHost: x\r\nX-Request-Id: gone\r\nAuthorization: Bearer "
            + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> !f.engine.started.isEmpty());
      }
      List<JsonNode> lines = awaitLines(dir.resolve("data").resolve("access.log"), 1);
      assertThat(lines.get(0).get("request_id").asText()).isEqualTo("gone");
      assertThat(lines.get(0).get("status").asInt()).isEqualTo(499);
    }
  }

  @Test
  void ownLog_formatJson_writesOneJsonObjectPerLine() throws Exception {
    try (TollgateProcess p = TollgateProcess.start(dir,
        "gate:\n  engine: http://127.0.0.1:9\nlogging:\n  format: json\n", List.of())) {

      assertThat(p.admin("POST", "/admin/registry/reload", null).status()).isEqualTo(200);
      List<JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("tollgate.err"))) {
        if (!line.isBlank() && !line.startsWith("WARNING:")) { // the JVM's own warnings are not Tollgate's log
          lines.add(JSON.readTree(line));
        }
      }
      assertThat(lines).extracting(l -> l.path("formattedMessage").asText())
          .anyMatch(m -> m.startsWith("tollgate started"));
      assertThat(lines).allMatch(l -> l.has("level") && l.has("loggerName") && l.has("timestamp"));
    }
  }

  /**
   * Three customers and 15 requests: 6 allowed GETs (0.5 units each), 2 unknown keys, 1 without a route, 1 denied
   * namespace, 1 rate limited, 1 over quota, 1 engine error, 1 dry-run verification, 1 health check. Answers the
   * secrets involved: m-1's key, the admin key and the service key.
   */
  private static List<String> scenario(GateFixture f) {
    String k1 = f.customer("{\"customer_id\":\"m-1\"}");
    String k2 = f.customer("{\"customer_id\":\"m-2\",\"limits\":{\"rate_limit\":{\"requests\":1,\"window_s\":60,"
        + "\"burst\":1}}}");
    String k3 = f.customer("{\"customer_id\":\"m-3\",\"limits\":{\"quota\":{\"units\":1,\"period\":\"month\"}}}");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      statuses.add(f.gate("GET", "/v1/default/items/a", k1).status());
    }
    statuses.add(f.gate("GET", "/v1/default/items/a", "tg_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAA").status());
    statuses.add(f.gate("GET", "/v1/default/items/a", "not-a-key").status());
    statuses.add(f.gate("GET", "/nowhere", k1).status());
    statuses.add(f.gate("GET", "/v1/other/items/a", k1).status());
    statuses.add(f.gate("GET", "/v1/default/items/a", k2).status());
    statuses.add(f.gate("GET", "/v1/default/items/a", k2).status());
    statuses.add(f.gate("GET", "/v1/default/items/a", k3).status());
    statuses.add(f.gate("GET", "/v1/default/items/a", k3).status());
    statuses.add(f.gate("GET", "/v1/default/items/a", k3).status());
    statuses.add(f.gate("GET", "/v1/default/serve/status/503", k1).status());
    statuses.add(f.tollgate.send("POST", f.tollgate.gateUri("/v1/verify"), "{\"key\":\"" + k1 + "\",\"dry_run\":true}",
        Map.of("Authorization", "Bearer " + SERVICE_KEY)).status());
    statuses.add(f.gate("GET", "/health", null).status());
    assertThat(statuses).containsExactly(200, 200, 200, 401, 401, 404, 403, 200, 429, 200, 200, 429, 503, 200, 200);
    return List.of(k1, k2, k3, RunningTollgate.ADMIN_KEY, SERVICE_KEY);
  }

  private static Scrape scrape(GateFixture f) {
    Answer a = f.tollgate.send("GET", f.tollgate.adminUri("/metrics"), null, Map.of());
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    return Scrape.parse(a.text());
  }

  /** Waits until the file has {@code n} lines, then parses every one. */
  static List<JsonNode> awaitLines(Path file, int n) throws IOException {
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file) && lineCount(file) >= n);
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    assertThat(out).hasSize(n);
    return out;
  }

  private static long lineCount(Path file) throws IOException {
    try (var lines = Files.lines(file)) {
      return lines.count();
    }
  }
}
