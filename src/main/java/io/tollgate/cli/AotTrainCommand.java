package io.tollgate.cli;

import io.tollgate.config.ConfigLoader;
import io.tollgate.config.TollgateConfig;
import io.tollgate.demo.DemoEngine;
import io.tollgate.keys.ApiKeyFormat;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tollgate aot-train} (hidden): the training run of the launcher's ahead-of-time cache. Starts a real
 * Tollgate on ephemeral ports of 127.0.0.1 with a fresh data directory in front of the bundled demo engine, creates
 * two customers through the Admin API, sends allowed (proxied and metered), refused (401, 403, 429) and usage requests
 * for a few seconds, then stops gracefully and deletes the data directory. The JVM that runs it with {@code -XX:AOTCacheOutput} records which
 * classes the start-up and the request paths load and link, and their method profiles.
 */
@Command(name = "aot-train", hidden = true, mixinStandardHelpOptions = true,
    description = "Training run for the start-up cache (used by the launcher).")
final class AotTrainCommand implements Callable<Integer> {
  @Option(names = "--seconds", description = "how long to send requests (default ${DEFAULT-VALUE})")
  int seconds = 3;

  @Option(names = "--concurrency", description = "requests in flight (default ${DEFAULT-VALUE})")
  int concurrency = 8;

  @Override
  public Integer call() throws Exception {
    Path data = Files.createTempDirectory("tollgate-aot-train");
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer engine = DemoEngine.start(vertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      String adminKey = new ApiKeyFormat("tg").newAdminKey();
      Map<String, String> env = Map.of("TOLLGATE_ADMIN_KEY", adminKey, "TOLLGATE_DATA_DIR", data.toString(),
          "TOLLGATE_ENGINE_URL", "http://127.0.0.1:" + engine.actualPort(),
          "TOLLGATE_GATE_LISTEN", "127.0.0.1:0", "TOLLGATE_ADMIN_LISTEN", "127.0.0.1:0");
      TollgateConfig cfg = ConfigLoader.load(Optional.empty(), env);
      try (Server server = Server.start(cfg, env, System.out)) {
        Map<Integer, Long> statuses = train(server, adminKey);
        System.out.println("tollgate aot-train: " + statuses.values().stream().mapToLong(Long::longValue).sum()
            + " requests, by status " + statuses);
      }
      return 0;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      deleteTree(data);
    }
  }

  /**
   * Sends the training mix for {@link #seconds}; answers how many requests got each status. The customer {@code train}
   * has limits far above any rate the training reaches, so that its requests take the proxied path with metering (the
   * default tier's 50 requests per second would turn most of them into 429s and profile the refusal instead); the
   * customer {@code train-limited} (1 request a minute) gives the rate-limited answers.
   */
  private Map<Integer, Long> train(Server server, String adminKey) throws Exception {
    String admin = "http://127.0.0.1:" + server.adminPort();
    String gate = "http://127.0.0.1:" + server.gatePort();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    String key = createCustomer(client, admin, adminKey, "train", new JsonObject()
        .put("quota", new JsonObject().put("units", 1_000_000_000_000L).put("period", "year"))
        .put("rate_limit", new JsonObject().put("requests", 1_000_000_000).put("window_s", 1)
            .put("burst", 1_000_000_000)));
    String limited = createCustomer(client, admin, adminKey, "train-limited", new JsonObject()
        .put("rate_limit", new JsonObject().put("requests", 1).put("window_s", 60).put("burst", 1)));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Map<Integer, Long> statuses = new ConcurrentSkipListMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      for (int t = 0; t < concurrency; t++) {
        int worker = t;
        pool.submit(() -> {
          for (long i = 0; System.nanoTime() < until; i++) {
            statuses.merge(send(client, request(gate, key, limited, worker, i)), 1L, Long::sum);
          }
          return null;
        });
      }
      pool.shutdown();
      if (!pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS)) {
        throw new IllegalStateException("aot-train: the requests did not finish");
      }
    } finally {
      pool.shutdownNow();
    }
    send(client, adminRequest(admin + "/admin/customers/train/usage", adminKey).GET().build());
    send(client, adminRequest(admin + "/admin/customers?limit=10", adminKey).GET().build());
    return statuses;
  }

  /** Creates customer {@code id} with the limit overrides {@code limits}; answers its key. */
  private static String createCustomer(HttpClient client, String admin, String adminKey, String id, JsonObject limits)
      throws IOException, InterruptedException {
    JsonObject customer = new JsonObject().put("customer_id", id).put("name", "Training")
        .put("namespaces", new io.vertx.core.json.JsonArray().add("default")).put("limits", limits);
    HttpResponse<String> created = client.send(adminRequest(admin + "/admin/customers", adminKey)
        .POST(HttpRequest.BodyPublishers.ofString(customer.encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("aot-train: the customer " + id + " could not be created: "
          + created.statusCode());
    }
    return new JsonObject(created.body()).getJsonObject("api_key").getString("key");
  }

  /**
   * Mostly allowed reads and writes through the proxied path; one in 16 with an unknown key (401), one in 16 a denied
   * namespace (403), one in 16 over the rate limit of {@code limited} (429).
   */
  private static HttpRequest request(String gate, String key, String limited, int worker, long i) {
    String item = gate + "/v1/default/items/train-" + worker;
    return switch ((int) (i % 16)) {
      case 0 -> HttpRequest.newBuilder(URI.create(item)).header("Authorization", "Bearer tg_live_unknown").build();
      case 1 -> HttpRequest.newBuilder(URI.create(gate + "/v1/private/items/x"))
          .header("Authorization", "Bearer " + key).build();
      case 2, 3 -> HttpRequest.newBuilder(URI.create(item)).header("Authorization", "Bearer " + key)
          .PUT(HttpRequest.BodyPublishers.ofString("value " + i)).build();
      case 4 -> HttpRequest.newBuilder(URI.create(item)).header("Authorization", "Bearer " + limited).build();
      default -> HttpRequest.newBuilder(URI.create(item)).header("Authorization", "Bearer " + key).build();
    };
  }

  private static HttpRequest.Builder adminRequest(String url, String adminKey) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + adminKey)
        .header("Content-Type", "application/json");
  }

  private static int send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
