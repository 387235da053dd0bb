package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.demo.DemoEngine;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console end to end: {@code console/e2e/run.mjs} drives Debian's headless Chromium (playwright-core) against
 * a real Tollgate in this JVM in front of the real demo engine. Needs Node.js, {@code console/node_modules}
 * ({@code npm ci}) and {@code /usr/bin/chromium}; {@code scripts/test} installs what is missing, and a missing one
 * fails this test, never skips it. Screenshots go to {@code target/console-screenshots}.
 */
final class ConsoleBrowserTest {
  private static final Path CONSOLE = Path.of("console");
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final String[] TIERS = {"starter", "growth", "scale", "enterprise"};

  @TempDir static Path dir;
  private static Vertx vertx;
  private static RunningTollgate tollgate;
  private static String gateUrl;
  private static String existingSecret;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServer engine = DemoEngine.start(vertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    Path config = dir.resolve("tollgate.yaml");
    // the webhooks page's endpoint is a plain-http receiver on 127.0.0.1 that run.mjs starts
    Files.writeString(config, "gate:\n  engine: http://127.0.0.1:" + engine.actualPort() + "\n"
        + "webhooks:\n  allow_private: true\n  poll_interval: 100ms\n");
    tollgate = RunningTollgate.start(dir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY),
        Optional.of(config));
    gateUrl = "http://127.0.0.1:" + tollgate.server.gatePort();
    existingSecret = created("{\"customer_id\":\"existing-co\",\"name\":\"Existing Co\",\"tier\":\"starter\"}");
    for (int i = 1; i <= 24; i++) { // two pages of customers for the list
      String id = String.format("acme-%02d", i);
      created("{\"customer_id\":\"" + id + "\",\"name\":\"Acme " + i + "\",\"email\":\"billing@" + id
          + ".example\",\"tier\":\"" + TIERS[i % TIERS.length] + "\"}");
    }
    assertThat(tollgate.admin("PATCH", "/admin/customers/acme-03", "{\"active\":false}").status()).isEqualTo(200);
  }

  private static String created(String json) {
    RunningTollgate.Answer a = tollgate.admin("POST", "/admin/customers", json);
    assertThat(a.status()).as(a.text()).isEqualTo(201);
    return a.json().path("api_key").path("key").asText();
  }

  @AfterAll
  static void stop() throws Exception {
    if (tollgate != null) {
      tollgate.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void console_inChromium_managesCustomersKeysUsageAndWebhooks() throws Exception {
    Map<String, String> env = Map.of(
        "CONSOLE_URL", "http://127.0.0.1:" + tollgate.server.adminPort() + "/console",
        "GATE_URL", gateUrl,
        "ADMIN_KEY", RunningTollgate.ADMIN_KEY,
        "EXISTING_CUSTOMER", "existing-co",
        "EXISTING_SECRET", existingSecret,
        "SCREENSHOT_DIR", SCREENSHOTS.toAbsolutePath().toString());
    if (Files.isDirectory(SCREENSHOTS)) {
      try (var old = Files.list(SCREENSHOTS)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
    }
    Run run = node(List.of("e2e/run.mjs"), env, 240);
    assertThat(run.exit()).as("console/e2e/run.mjs failed:%n%s", run.output()).isZero();
    assertThat(run.output()).contains("passed:");
    try (var shots = Files.list(SCREENSHOTS)) {
      assertThat(shots.filter(p -> p.toString().endsWith("-390.png")).count()).as("screenshots at 390 px")
          .isGreaterThanOrEqualTo(10);
    }
  }

  @Test
  void console_committedBuild_matchesTheSources() throws Exception {
    Run run = node(List.of("scripts/check-build.mjs"), Map.of(), 120);
    assertThat(run.exit()).as("the built console in src/main/resources is stale: run `npm run build` in console/"
        + "%n%s", run.output()).isZero();
  }

  private record Run(int exit, String output) {}

  private static Run node(List<String> args, Map<String, String> env, int timeoutS)
      throws IOException, InterruptedException {
    assertThat(CONSOLE.resolve("node_modules/playwright-core")).as(
        "console/node_modules is missing: run `npm ci` in console/ (scripts/test does)").isDirectory();
    Path log = Files.createTempFile(dir, "node", ".log");
    ProcessBuilder pb = new ProcessBuilder(concat("node", args)).directory(CONSOLE.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError("Node.js is missing (node not on PATH): the console tests need it", e);
    }
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return new Run(-1, "timed out after " + timeoutS + " s\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(out);
    return new Run(p.exitValue(), out);
  }

  private static List<String> concat(String first, List<String> rest) {
    return Stream.concat(Stream.of(first), rest.stream()).toList();
  }
}
