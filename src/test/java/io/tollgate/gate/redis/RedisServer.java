package io.tollgate.gate.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free loopback port, without persistence ({@code --save '' --appendonly no}),
 * run as a child process; {@link #stop()} and {@link #start()} kill and bring it back on the same port, empty.
 * Fails, never skips, when redis-server is not installed (scripts/test-services.sh installs it).
 */
public final class RedisServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final int port;
  private final String password;
  private Process process;

  private RedisServer(Path dir, int port, String password) {
    this.dir = dir;
    this.port = port;
    this.password = password;
  }

  public static RedisServer start() throws Exception {
    return startWithPassword("");
  }

  /** A server that requires {@code password} ({@code requirepass}); empty: none. */
  public static RedisServer startWithPassword(String password) throws Exception {
    RedisServer r = new RedisServer(Files.createTempDirectory("tollgate-redis"), freePort(), password);
    r.startProcess();
    return r;
  }

  /** {@code redis://127.0.0.1:PORT}, with {@code :password@} when the server requires one. */
  public String url() {
    return "redis://" + (password.isEmpty() ? "" : ":" + password + "@") + "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Kills the server (SIGKILL: nothing is written, nothing is said to the clients). */
  public synchronized void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      process = null;
    }
  }

  /** Forgets every key ({@code FLUSHALL}, through redis-cli), as a Redis that lost its data would. */
  public void flushAll() throws Exception {
    String out = cli("FLUSHALL");
    if (!"OK".equals(out)) {
      throw new AssertionError("FLUSHALL failed: " + out);
    }
  }

  /** One command through redis-cli ({@code --raw}: one value per line); its output, trimmed. */
  public String cli(String... command) throws Exception {
    java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("/usr/bin/redis-cli", "-p",
        Integer.toString(port), "--raw"));
    if (!password.isEmpty()) {
      argv.addAll(java.util.List.of("--no-auth-warning", "-a", password));
    }
    argv.addAll(java.util.List.of(command));
    Process cli = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(cli.getInputStream().readAllBytes()).trim();
    if (!cli.waitFor(10, TimeUnit.SECONDS) || cli.exitValue() != 0) {
      throw new AssertionError("redis-cli " + String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  /** Starts it again on the same port, with no data. */
  public synchronized void restart() throws Exception {
    stop();
    startProcess();
  }

  private synchronized void startProcess() throws Exception {
    Path binary = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(binary)) {
      throw new AssertionError("redis-server is not installed: run scripts/test-services.sh");
    }
    process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no",
        "--requirepass", password)
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new AssertionError("redis-server did not listen on " + port + ": " + Files.readString(dir.resolve("redis.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
