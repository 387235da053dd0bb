package io.tollgate.gate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An nginx of the test's own: a complete minimal {@code nginx.conf} (error log, pid and every temp path under its
 * own directory, no system config, no port 80) run in the foreground as a child process on a loopback port.
 * Fails, never skips, when nginx is not installed.
 */
final class Nginx implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  final Path dir;
  final int port;
  private final Process process;

  private Nginx(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts nginx with {@code serverBlock} (what goes inside {@code server { }} after its {@code listen}) on a free
   * loopback port.
   */
  static Nginx start(String serverBlock) throws Exception {
    return startHttp(port -> "  server {\n    listen 127.0.0.1:" + port + ";\n" + serverBlock + "\n  }");
  }

  /**
   * Starts nginx with {@code httpBlock} (what goes inside {@code http { }}: upstreams and servers, as in a file of
   * {@code conf.d}), given the free loopback port that one of its servers must listen on.
   */
  static Nginx startHttp(java.util.function.IntFunction<String> httpBlock) throws Exception {
    Path binary = binary().orElseThrow(() -> new AssertionError(
        "nginx is not installed (not on PATH nor in /usr/sbin): run scripts/test-services.sh"));
    // the worker processes may run as another user (nobody, when the test runs as root): they must reach the dir
    Path dir = Files.createTempDirectory("tollgate-nginx");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = freePort();
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, config(dir, httpBlock.apply(port)));
    Process p = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
        "-c", conf.toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    Nginx nginx = new Nginx(dir, port, p);
    nginx.awaitListening();
    return nginx;
  }

  static String config(Path dir, String httpBlock) {
    return String.join("\n",
        "worker_processes 1;",
        "error_log " + dir.resolve("error.log") + " info;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "events { worker_connections 256; }",
        "http {",
        "  access_log " + dir.resolve("access.log") + ";",
        "  client_body_temp_path " + dir.resolve("client_body") + ";",
        "  proxy_temp_path " + dir.resolve("proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
        "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("scgi") + ";",
        httpBlock,
        "}",
        "");
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  String errorLog() {
    try {
      return Files.readString(dir.resolve("error.log"));
    } catch (IOException e) {
      return "(no error log: " + e + ")";
    }
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("nginx exited with " + process.exitValue() + ":\n"
            + Files.readString(dir.resolve("stdout.log")) + errorLog());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    close();
    throw new AssertionError("nginx did not listen on " + port + " within " + START_TIMEOUT + ":\n" + errorLog());
  }

  /** Where the nginx binary is: PATH first, then the sbin directories a non-root PATH may lack. */
  static Optional<Path> binary() {
    List<Path> candidates = new ArrayList<>();
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!d.isEmpty()) {
        candidates.add(Path.of(d, "nginx"));
      }
    }
    for (String d : List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin")) {
      candidates.add(Path.of(d, "nginx"));
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops nginx (SIGTERM: fast shutdown of the master and its workers) and removes its directory. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
