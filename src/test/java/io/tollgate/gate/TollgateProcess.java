package io.tollgate.gate;

import static org.awaitility.Awaitility.await;

import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tollgate as a separate JVM, as an operator runs it ({@code Main serve --config FILE}, the admin key, data
 * directory and listen addresses from the environment), with this JVM's class path; its output goes to files in its
 * directory. Unlike {@link RunningTollgate} it can be killed with SIGKILL and started again on the same data.
 */
final class TollgateProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120); // a start is ~3 s; a loaded CI machine has taken 30

  private final Path dir;
  private final Path config;
  private final List<String> jvmOptions;
  private final Map<String, String> extraEnv;
  private final int gatePort;
  private final int adminPort;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Process process;

  private TollgateProcess(Path dir, Path config, List<String> jvmOptions, Map<String, String> extraEnv, int gatePort,
      int adminPort) {
    this.dir = dir;
    this.config = config;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.extraEnv = Map.copyOf(extraEnv);
    this.gatePort = gatePort;
    this.adminPort = adminPort;
  }

  /** Writes {@code yaml} as the configuration file in {@code dir}, starts the process and waits for its health. */
  static TollgateProcess start(Path dir, String yaml, List<String> jvmOptions) throws IOException {
    return start(dir, yaml, jvmOptions, Map.of());
  }

  /** As {@link #start(Path, String, List)}, with more {@code TOLLGATE_*} variables (the others win over them). */
  static TollgateProcess start(Path dir, String yaml, List<String> jvmOptions, Map<String, String> env)
      throws IOException {
    Path config = dir.resolve("tollgate.yaml");
    Files.writeString(config, yaml);
    TollgateProcess p = new TollgateProcess(dir, config, jvmOptions, env, freePort(), freePort());
    p.launch();
    return p;
  }

  /** Starts the process again with the same configuration, ports and data directory, and waits for its health. */
  void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("still running");
    }
    launch();
  }

  /**
   * Starts the process again as {@link #restart} does, for a start that must fail: waits up to {@code timeout} for
   * it to end and returns its exit status.
   */
  int restartExpectingExit(Duration timeout) throws IOException, InterruptedException {
    if (process.isAlive()) {
      throw new IllegalStateException("still running");
    }
    spawn();
    return awaitExit(timeout);
  }

  /** SIGKILL ({@code kill -9} on Linux): no shutdown hook runs, nothing is flushed. Waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM ({@code Process.destroy} on Linux), as systemd and container runtimes stop it; does not wait. */
  void terminate() {
    process.destroy();
  }

  /** Waits up to {@code timeout} for the process to end and returns its exit status. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new AssertionError("tollgate still running after " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  int adminPort() {
    return adminPort;
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int gatePort() {
    return gatePort;
  }

  /** Everything the process wrote to stdout and stderr, over all its starts. */
  String output() {
    try {
      return Files.readString(dir.resolve("tollgate.out")) + Files.readString(dir.resolve("tollgate.err"));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  Answer admin(String method, String path, String jsonBody) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + RunningTollgate.ADMIN_KEY)
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, String> h = new HashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v.get(0)));
      return new Answer(r.statusCode(), h, r.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed; process output:\n" + output(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Creates a customer from a JSON body and returns its first key's secret. */
  String customer(String json) {
    Answer a = admin("POST", "/admin/customers", json);
    if (a.status() != 201) {
      throw new AssertionError("customer not created: " + a.text());
    }
    return a.json().get("api_key").get("key").asText();
  }

  private void launch() throws IOException {
    spawn();
    await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(this::healthy);
  }

  private void spawn() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tollgate.cli.Main", "serve",
        "--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("tollgate.out").toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("tollgate.err").toFile()));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("TOLLGATE_"));
    env.putAll(extraEnv);
    env.put("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);
    env.put("TOLLGATE_DATA_DIR", dataDir().toString());
    env.put("TOLLGATE_GATE_LISTEN", "127.0.0.1:" + gatePort);
    env.put("TOLLGATE_ADMIN_LISTEN", "127.0.0.1:" + adminPort);
    process = pb.start();
  }

  private boolean healthy() {
    if (!process.isAlive()) {
      throw new AssertionError("tollgate exited with " + process.exitValue() + ":\n" + output());
    }
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatePort + "/health"))
        .timeout(Duration.ofSeconds(2)).build();
    try {
      return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** As {@link #close}, for a clean-up that must go on: an interruption is kept for the caller. */
  void closeQuietly() {
    try {
      close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the process (SIGKILL: its data is not looked at after this). */
  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      kill();
    }
  }
}
