package io.tollgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.tollgate.cli.Server;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.TollgateConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real Tollgate in this JVM on ephemeral ports, with its own data directory, and a small HTTP client for the
 * Admin API. The admin key is configured through {@code TOLLGATE_ADMIN_KEY}, as an operator would.
 */
public final class RunningTollgate implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  public final Path dataDir;
  public final Server server;
  public final String console;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningTollgate(Path dataDir, Server server, String console) {
    this.dataDir = dataDir;
    this.server = server;
    this.console = console;
  }

  public static RunningTollgate start(Path dataDir) {
    return start(dataDir, Map.of("TOLLGATE_ADMIN_KEY", ADMIN_KEY), Optional.empty());
  }

  /** Starts with {@code env} (listen addresses default to loopback port 0) and an optional config file. */
  public static RunningTollgate start(Path dataDir, Map<String, String> env, Optional<Path> configFile) {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("TOLLGATE_DATA_DIR", dataDir.toString());
    all.putIfAbsent("TOLLGATE_GATE_LISTEN", "127.0.0.1:0");
    all.putIfAbsent("TOLLGATE_ADMIN_LISTEN", "127.0.0.1:0");
    TollgateConfig config = ConfigLoader.load(configFile, all);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Server server = Server.start(config, all, new PrintStream(out, true, StandardCharsets.UTF_8));
    return new RunningTollgate(dataDir, server, out.toString(StandardCharsets.UTF_8));
  }

  /**
   * An answer of the server.
   *
   * @param status HTTP status
   * @param headers response headers (first value of each, lower-case names)
   * @param text the body as text
   */
  public record Answer(int status, Map<String, String> headers, String text) {
    public JsonNode json() {
      try {
        return text.isEmpty() ? MissingNode.getInstance() : JSON.readTree(text);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  public Answer admin(String method, String path) {
    return admin(method, path, null);
  }

  public Answer admin(String method, String path, String jsonBody) {
    return send(method, adminUri(path), jsonBody, Map.of("Authorization", "Bearer " + ADMIN_KEY));
  }

  public URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + server.adminPort() + path);
  }

  public URI gateUri(String path) {
    return URI.create("http://127.0.0.1:" + server.gatePort() + path);
  }

  public Answer send(String method, URI uri, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, String> h = new HashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      return new Answer(r.statusCode(), h, r.body());
    } catch (Exception e) {
      throw new AssertionError(method + " " + uri + " failed", e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
