package io.tollgate.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code ./tollgate serve} with its start-up cache (scripts/aot-cache.sh), as an operator runs it:
 * the first start makes the cache, later starts use it and answer as before, and a cache that is garbage does not
 * stop a start or print JVM warnings. Runs after {@code package} (the launcher needs a current target/tollgate.jar;
 * it would build one otherwise). Each test keeps the cache in its own directory ({@code TOLLGATE_AOT_DIR}).
 */
final class LauncherStartupCacheIT {
  private static final Path LAUNCHER = Path.of("tollgate").toAbsolutePath();
  private static final String ADMIN_KEY = "launcher-admin-key-0123456789abcdef";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static HttpServer engine;

  @BeforeAll
  static void startEngine() throws IOException {
    assertThat(Path.of("target", "tollgate.jar")).as("build the jar first: ./mvnw package").exists();
    engine = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    engine.createContext("/", exchange -> {
      byte[] body = "engine ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    engine.start();
  }

  @AfterAll
  static void stopEngine() {
    engine.stop(0);
  }

  @Test
  void serve_firstStartMakesTheCache_laterStartUsesItAndServes(@TempDir Path dir) throws Exception {
    Path cacheDir = Files.createDirectory(dir.resolve("cache"));
    Gate first = serveOnce(dir.resolve("first"), cacheDir, Map.of("TOLLGATE_AOT", "aot"));
    assertThat(first.stderr()).contains("preparing the start-up cache");
    List<Path> caches = caches(cacheDir);
    assertThat(caches).as("one cache file").hasSize(1);

    Gate second = serveOnce(dir.resolve("second"), cacheDir, Map.of("TOLLGATE_AOT", "aot"));
    assertThat(second.stderr()).doesNotContain("preparing the start-up cache");
    assertThat(second.output()).doesNotContain("[aot]").doesNotContain("[cds]");
  }

  @Test
  void serve_garbageInTheCache_startsAndServesWithoutWarnings(@TempDir Path dir) throws Exception {
    Path cacheDir = Files.createDirectory(dir.resolve("cache"));
    Gate.start(dir.resolve("train"), cacheDir, Map.of("TOLLGATE_AOT", "aot")).stop();
    Path cache = caches(cacheDir).getFirst();
    byte[] garbage = new byte[64 * 1024];
    new java.util.Random(13).nextBytes(garbage);
    overwrite(cache, garbage);

    Gate gate = serveOnce(dir.resolve("garbage"), cacheDir, Map.of("TOLLGATE_AOT", "aot"));
    assertThat(gate.output()).doesNotContain("[aot]").doesNotContain("[cds]").doesNotContain("bad magic");
  }

  @Test
  void serve_byDefault_writesAnAppCdsArchiveWithoutATrainingRun_andGarbageInItStillStartsAndServes(@TempDir Path dir)
      throws Exception {
    Path cacheDir = Files.createDirectory(dir.resolve("cache"));
    Gate first = serveOnce(dir.resolve("first"), cacheDir, Map.of());
    assertThat(first.stderr()).doesNotContain("preparing the start-up cache");
    Path archive = caches(cacheDir).getFirst();
    assertThat(archive.getFileName().toString()).endsWith(".jsa");
    overwrite(archive, "not an archive".getBytes(StandardCharsets.UTF_8));

    Gate second = serveOnce(dir.resolve("second"), cacheDir, Map.of());
    assertThat(second.output()).doesNotContain("[cds]").doesNotContain("[aot]");
  }

  @Test
  void serve_aotOff_writesNoCache(@TempDir Path dir) throws Exception {
    Path cacheDir = Files.createDirectory(dir.resolve("cache"));
    Gate gate = serveOnce(dir.resolve("off"), cacheDir, Map.of("TOLLGATE_AOT", "off"));
    assertThat(caches(cacheDir)).isEmpty();
    assertThat(gate.stderr()).doesNotContain("start-up cache");
  }

  /** Starts the launcher, checks that it serves ({@link #assertServes}) and stops it (SIGTERM). */
  private static Gate serveOnce(Path dir, Path cacheDir, Map<String, String> env) throws Exception {
    Gate gate = Gate.start(dir, cacheDir, env);
    assertServes(gate);
    gate.stop();
    return gate;
  }

  /** An unknown key is refused with 401; a customer created through the Admin API reaches the engine. */
  private static void assertServes(Gate gate) throws Exception {
    HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(gate.gate("/v1/default/items/x"))
        .header("Authorization", "Bearer tg_live_unknown").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(gate.admin("/admin/customers"))
        .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"customer_id\":\"c1\",\"namespaces\":[\"default\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String key = JSON.readTree(created.body()).get("api_key").get("key").asText();
    HttpResponse<String> proxied = HTTP.send(HttpRequest.newBuilder(gate.gate("/v1/default/items/x"))
        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(proxied.statusCode()).isEqualTo(200);
    assertThat(proxied.body()).isEqualTo("engine ok");
  }

  /** Replaces the file's content, leaving it newer than the jar (so the launcher keeps it and hands it to the JVM). */
  private static void overwrite(Path file, byte[] content) throws IOException {
    Files.write(file, content);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
  }

  private static List<Path> caches(Path cacheDir) throws IOException {
    try (Stream<Path> files = Files.list(cacheDir)) {
      return files.filter(p -> p.getFileName().toString().matches("tollgate-jdk-.*\\.(aot|jsa)")).toList();
    }
  }

  /** {@code ./tollgate serve}, its output in files of its directory. */
  private record Gate(Process process, Path dir, int gatePort, int adminPort) {
    static Gate start(Path dir, Path cacheDir, Map<String, String> extraEnv) throws IOException {
      Files.createDirectories(dir);
      int gatePort = freePort();
      int adminPort = freePort();
      ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "serve").directory(dir.toFile())
          .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("TOLLGATE_"));
      env.put("JAVA_HOME", System.getProperty("java.home"));
      env.put("TOLLGATE_ADMIN_KEY", ADMIN_KEY);
      env.put("TOLLGATE_DATA_DIR", dir.resolve("data").toString());
      env.put("TOLLGATE_GATE_LISTEN", "127.0.0.1:" + gatePort);
      env.put("TOLLGATE_ADMIN_LISTEN", "127.0.0.1:" + adminPort);
      env.put("TOLLGATE_ENGINE_URL", "http://127.0.0.1:" + engine.getAddress().getPort());
      env.put("TOLLGATE_AOT_DIR", cacheDir.toString());
      env.putAll(extraEnv);
      Gate gate = new Gate(pb.start(), dir, gatePort, adminPort);
      await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(gate::healthy);
      return gate;
    }

    URI gate(String path) {
      return URI.create("http://127.0.0.1:" + gatePort + path);
    }

    URI admin(String path) {
      return URI.create("http://127.0.0.1:" + adminPort + path);
    }

    /** SIGTERM, as systemd stops it; waits until it has exited (an AppCDS archive is written then). */
    void stop() throws InterruptedException {
      process.destroy();
      assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("stopped").isTrue();
    }

    String stderr() throws IOException {
      return Files.readString(dir.resolve("err"));
    }

    String output() throws IOException {
      return Files.readString(dir.resolve("out")) + stderr();
    }

    private boolean healthy() throws IOException {
      if (!process.isAlive()) {
        throw new AssertionError("the launcher exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        return HTTP.send(HttpRequest.newBuilder(gate("/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
