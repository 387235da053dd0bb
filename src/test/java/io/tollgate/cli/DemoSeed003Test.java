package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tollgate demo --seed-003} as a user runs it, in its own JVM: seed 003's plans and {@code hx_} keys, and
 * seed 003's create example answered with the seed's values on the printed admin address and key.
 */
final class DemoSeed003Test {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADMIN = Pattern.compile("admin API: +(http://\\S+)");
  private static final Pattern ADMIN_KEY = Pattern.compile("admin key: +(\\S+)");
  private static final Pattern CUSTOMER_KEY = Pattern.compile("its key: +(\\S+)");
  @TempDir Path dir;

  private Process demo(Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.tollgate.cli.Main", "demo", "--seed-003",
        "--engine-port", "0"));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("TOLLGATE_") || k.startsWith("HX_"));
    pb.environment().putAll(Map.of("TOLLGATE_DATA_DIR", dir.resolve("data").toString(),
        "TOLLGATE_GATE_LISTEN", "127.0.0.1:0", "TOLLGATE_ADMIN_LISTEN", "127.0.0.1:0"));
    pb.environment().putAll(env);
    return pb.start();
  }

  private String out() throws IOException {
    return Files.readString(dir.resolve("out"));
  }

  private static String find(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertThat(m.find()).as("%s in:%n%s", p, text).isTrue();
    return m.group(1);
  }

  @Test
  void demoSeed003_servesSeedPlansAndHxKeys_andAnswersTheSeedsCreateExample() throws Exception {
    Process p = demo(Map.of());
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        assertThat(p.isAlive()).as("demo exited: %s", Files.readString(dir.resolve("err"))).isTrue();
        return out().contains("Stop with Ctrl-C.");
      });
      String text = out();
      String admin = find(ADMIN, text);
      String adminKey = find(ADMIN_KEY, text);
      assertThat(find(CUSTOMER_KEY, text)).startsWith("hx_live_");
      assertThat(text).contains(admin + "/gate/onboard/create");

      HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(admin + "/gate/onboard/create")).header("Authorization", "Bearer " + adminKey)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"tenant_id\": \"acme-corp\", \"plan\": \"builder\","
                  + " \"namespaces\": [\"default\", \"staging\", \"production\"]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonNode t = JSON.readTree(created.body());
      assertThat(t.get("api_key").asText()).startsWith("hx_live_");
      assertThat(t.get("monthly_quota").asLong()).isEqualTo(50000);
      assertThat(t.get("rate_limit")).isEqualTo(JSON.readTree("{\"requests\":100,\"window_s\":60}"));

      HttpResponse<String> tiers = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(admin + "/admin/tiers")).header("Authorization", "Bearer " + adminKey).build(),
          HttpResponse.BodyHandlers.ofString());
      List<String> names = new ArrayList<>();
      JSON.readTree(tiers.body()).get("tiers").forEach(tier -> names.add(tier.get("name").asText()));
      assertThat(names).containsExactly("starter", "builder", "pro", "enterprise");
    } finally {
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void demoSeed003_withTollgateConfig_exits2WithoutStarting() throws Exception {
    Process p = demo(Map.of("TOLLGATE_CONFIG", dir.resolve("mine.yaml").toString()));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("err"))).contains("--seed-003").contains("TOLLGATE_CONFIG");
  }
}
