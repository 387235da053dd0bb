package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.config.Catalog;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.TollgateConfig;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyHasher;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimiter;
import io.tollgate.metering.RefusalEvent;
import io.tollgate.metering.UsageEvent;
import io.tollgate.metering.UsageRecorder;
import io.tollgate.registry.Commands.NewCustomer;
import io.tollgate.registry.Commands.NewKey;
import io.tollgate.registry.CustomerService;
import io.tollgate.registry.KeyActivity;
import io.tollgate.registry.KeyIssuer;
import io.tollgate.registry.LimitOverrides;
import io.tollgate.registry.LiveRegistry;
import io.tollgate.registry.Outcome;
import io.tollgate.store.Database;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unexpected exception on the decision path (here: the usage recorder throws) is answered at once with
 * {@code 500 internal_error} as a problem body, and leaves the customer's rate limit and quota as they were: the
 * same customer's next request gets its normal answer. A real gate listener on an ephemeral port, over HTTP.
 */
final class DecisionFailureTest {
  private static final String SERVICE_KEY = "service-key-for-tests-0123456789";
  @TempDir static Path dir;
  static Database database;
  static Vertx vertx;
  static GateListener gate;
  static CustomerService customers;
  static final ThrowingRecorder RECORDER = new ThrowingRecorder();

  /**
   * Counts no usage; throws from both methods while {@code failing}, as an unforeseen bug would, or only from
   * {@code record} when {@code refusalsCounted}, keeping the refusals it is given in {@code refusals}.
   */
  static final class ThrowingRecorder implements UsageRecorder {
    volatile boolean failing;
    volatile boolean refusalsCounted;
    final Queue<RefusalEvent> refusals = new ConcurrentLinkedQueue<>();

    @Override
    public CompletionStage<Void> record(UsageEvent event) {
      if (failing) {
        throw new IllegalStateException("injected failure");
      }
      return CompletableFuture.completedStage(null);
    }

    @Override
    public void takeBack(UsageEvent event) {}

    @Override
    public void recordRefusal(RefusalEvent event) {
      if (failing && !refusalsCounted) {
        throw new IllegalStateException("injected failure");
      }
      refusals.add(event);
    }

    @Override
    public long backlog() {
      return 0;
    }

    @Override
    public boolean storeFailing() {
      return false;
    }

    @Override
    public void close() {}
  }

  @BeforeAll
  static void start() throws Exception {
    TollgateConfig cfg = ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_DATA_DIR", dir.toString(),
        "TOLLGATE_GATE_LISTEN", "127.0.0.1:0", "TOLLGATE_SERVICE_KEY", SERVICE_KEY,
        "TOLLGATE_ENGINE_URL", "http://127.0.0.1:9"));
    InstantSource clock = InstantSource.system();
    database = Database.open(cfg.storeUrl());
    LiveRegistry live = LiveRegistry.load(database.registry(), Catalog.of(cfg));
    ApiKeyFormat format = new ApiKeyFormat(cfg.keys().prefix());
    KeyHasher hasher = KeyHasher.unkeyed();
    customers = new CustomerService(database.registry(), live, live::catalog, new KeyIssuer(format, hasher), clock);
    vertx = Vertx.vertx();
    gate = GateServer.start(vertx, new GateServer.Dependencies(cfg.gate(), live, database.registry(), format, hasher,
            new RateLimiter(clock), new QuotaLedger(Map.of(), Map.of(), clock.instant()), java.util.Optional.empty(), RECORDER,
            new KeyActivity(database.registry()), false, GateObserver.NONE, clock))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    database.close();
  }

  @AfterEach
  void recover() {
    RECORDER.failing = false;
    RECORDER.refusalsCounted = false;
    RECORDER.refusals.clear();
  }

  private static String customer(String id) {
    var created = customers.create(io.tollgate.registry.Actor.adminApi("test"), new NewCustomer(Optional.of(id), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Map.of(), LimitOverrides.NONE, NewKey.unnamed()));
    return ((Outcome.Done<CustomerService.Created>) created).value().firstKey().secret();
  }

  private static Answer call(String method, String path, String body, Map<String, String> headers) {
    return Http.send(URI.create("http://127.0.0.1:" + gate.port() + path), method, body, headers);
  }

  private static Answer verify(String json) {
    return call("POST", "/v1/verify", json, Map.of("Authorization", "Bearer " + SERVICE_KEY));
  }

  private static void assertInternalError(Answer a) {
    assertThat(a.status()).isEqualTo(500);
    assertThat(a.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(a.json().get("code").asText()).isEqualTo("internal_error");
    assertThat(a.json().get("status").asInt()).isEqualTo(500);
    assertThat(a.json().get("request_id").asText()).isEqualTo(a.header("X-Request-Id"));
  }

  /** The customer's standing, taking and reserving nothing. */
  private static JsonNode standing(String key) {
    JsonNode v = verify("{\"key\":\"" + key + "\",\"dry_run\":true}").json();
    assertThat(v.get("valid").asBoolean()).isTrue();
    return v;
  }

  @Test
  void verify_recorderThrows_is500Problem_andTheTokenAndUnitsAreGivenBack() {
    String key = customer("fail-verify");
    long burst = standing(key).get("rate_limit").get("remaining").asLong();
    RECORDER.failing = true;
    for (int i = 0; i < 3; i++) {
      assertInternalError(verify("{\"key\":\"" + key + "\",\"units\":2}"));
    }
    RECORDER.failing = false;
    JsonNode after = standing(key);
    assertThat(after.get("quota").get("used").decimalValue()).isEqualByComparingTo("0");
    assertThat(after.get("rate_limit").get("remaining").asLong()).isEqualTo(burst);
    JsonNode ok = verify("{\"key\":\"" + key + "\",\"units\":2}").json();
    assertThat(ok.get("valid").asBoolean()).isTrue();
    assertThat(ok.get("quota").get("used").decimalValue()).isEqualByComparingTo("2");
  }

  @Test
  void authorize_recorderThrows_is500Problem_andTheNextRequestIsAuthorized() {
    String key = customer("fail-authz");
    long burst = standing(key).get("rate_limit").get("remaining").asLong();
    Map<String, String> headers = Map.of("Authorization", "Bearer " + key, "X-Original-Method", "POST",
        "X-Original-URI", "/v1/default/query");
    RECORDER.failing = true;
    assertInternalError(call("GET", "/v1/authorize", null, headers));
    RECORDER.failing = false;
    JsonNode after = standing(key);
    assertThat(after.get("quota").get("used").decimalValue()).isEqualByComparingTo("0");
    assertThat(after.get("rate_limit").get("remaining").asLong()).isEqualTo(burst);
    assertThat(call("GET", "/v1/authorize", null, headers).status()).isEqualTo(204);
  }

  /** The codes counted against {@code customerId}, in order. */
  private static java.util.List<String> counted(String customerId) {
    return RECORDER.refusals.stream().filter(e -> e.customerId().equals(customerId)).map(RefusalEvent::code).toList();
  }

  @Test
  void the500OfAnAllowedRequest_countsOnceAsInternalErrorAgainstItsCustomer_aReleasedOneOnlyAsItsOwnCode() {
    String key = customer("fail-sla");
    RECORDER.failing = true;
    RECORDER.refusalsCounted = true;
    for (int i = 0; i < 3; i++) {
      assertInternalError(verify("{\"key\":\"" + key + "\",\"units\":2}"));
    }
    assertInternalError(call("GET", "/v1/authorize", null, Map.of("Authorization", "Bearer " + key,
        "X-Original-Method", "POST", "X-Original-URI", "/v1/default/query")));
    // the engine is unreachable: 502, its reservation released and counted as engine_unavailable, never also as 500
    assertThat(call("GET", "/v1/default/items/a", null, Map.of("Authorization", "Bearer " + key)).status())
        .isEqualTo(502);
    assertThat(counted("fail-sla")).containsExactly("internal_error", "internal_error", "internal_error",
        "internal_error", "engine_unavailable");
  }

  @Test
  void proxy_refusalThatCannotBeCounted_isStillAnsweredWithItsRefusal() {
    String key = customer("fail-proxy");
    RECORDER.failing = true;
    Answer denied = call("GET", "/v1/elsewhere/items/a", null, Map.of("Authorization", "Bearer " + key));
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().get("code").asText()).isEqualTo("namespace_denied");
  }

  @Test
  void proxy_unreachableEngine_whoseErrorCannotBeCounted_is502_andReleasesTheUnits() {
    String key = customer("fail-engine");
    RECORDER.failing = true;
    Answer a = call("GET", "/v1/default/items/a", null, Map.of("Authorization", "Bearer " + key));
    assertThat(a.status()).isEqualTo(502);
    assertThat(a.json().get("code").asText()).isEqualTo("engine_unavailable");
    RECORDER.failing = false;
    assertThat(standing(key).get("quota").get("used").decimalValue()).isEqualByComparingTo("0");
  }
}
