package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.demo.DemoEngine;
import io.tollgate.store.Database;
import io.tollgate.store.PostgresTestDatabase;
import io.tollgate.webhooks.WebhookStore;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tollgate migrate} from a SQLite store filled through a real server's Admin API and gate into a fresh
 * PostgreSQL database: a server on the copy answers every Admin API document as before, and the keys (customer
 * and generated admin key) still authenticate.
 */
final class MigrateCommandTest {
  private static final String SERVICE_KEY = "migrate-test-service-key-0123456789abcdef";
  private static final Map<String, String> SERVICE = Map.of("Authorization", "Bearer " + SERVICE_KEY);
  private static final Pattern GENERATED_ADMIN_KEY = Pattern.compile("tg_admin_[A-Za-z0-9]+");

  @TempDir Path sqliteDir;
  @TempDir Path postgresDir;
  private PostgresTestDatabase pg;
  private Vertx vertx;
  private int enginePort;

  @BeforeEach
  void start() throws Exception {
    pg = PostgresTestDatabase.createDatabase();
    vertx = Vertx.vertx();
    enginePort = DemoEngine.start(vertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    pg.close();
  }

  /** What a run of the command printed. */
  private record Run(int exit, String out, String err) {}

  private Run migrate(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new CommandLine(new MigrateCommand(env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private RunningTollgate sqliteNode(Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>(extra);
    env.put("TOLLGATE_ENGINE_URL", "http://127.0.0.1:" + enginePort);
    env.put("TOLLGATE_SERVICE_KEY", SERVICE_KEY);
    return RunningTollgate.start(sqliteDir, env, Optional.empty());
  }

  private RunningTollgate postgresNode() {
    return RunningTollgate.start(postgresDir, Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY,
        "TOLLGATE_STORE_URL", pg.url(), "TOLLGATE_ENGINE_URL", "http://127.0.0.1:" + enginePort,
        "TOLLGATE_SERVICE_KEY", SERVICE_KEY), Optional.empty());
  }

  @Test
  void migrate_populatedSqlite_toPostgres_sameAdminDocuments_keysStillAuthenticate_secondRunRefused()
      throws Exception {
    // the first start generates an admin key, stored as a digest: it must survive the move
    String generatedAdminKey;
    try (RunningTollgate t = sqliteNode(Map.of())) {
      Matcher m = GENERATED_ADMIN_KEY.matcher(t.console);
      assertThat(m.find()).as(t.console).isTrue();
      generatedAdminKey = m.group();
    }
    Map<String, String> keys = new LinkedHashMap<>(); // key id -> secret
    Map<String, JsonNode> before;
    Map<String, String> decisionsBefore;
    try (RunningTollgate t = sqliteNode(Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY))) {
      populate(t, keys);
      decisionsBefore = decisions(t, keys);
    }
    // read after a restart, so that every refusal and unit counted above has been written
    try (RunningTollgate t = sqliteNode(Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY))) {
      before = documents(t);
    }
    Files.copy(sqliteDir.resolve("hmac.key"), postgresDir.resolve("hmac.key"));

    Run run = migrate(Map.of("TOLLGATE_STORE_URL", pg.url()), "--from", "sqlite:" + sqliteDir.resolve("tollgate.db"));

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("customers", "api_keys", "audit_log", "usage_daily", "applied_batches",
        sqliteDir.resolve("hmac.key").toString());
    assertThat(run.out() + run.err()).doesNotContain("password=");
    try (RunningTollgate t = postgresNode()) {
      Map<String, JsonNode> after = documents(t);
      assertThat(after.keySet()).isEqualTo(before.keySet());
      after.forEach((path, doc) -> assertThat(doc).as(path).isEqualTo(before.get(path)));
      assertThat(decisions(t, keys)).isEqualTo(decisionsBefore);
      assertThat(decisionsBefore.values()).contains("valid", "unauthorized", "customer_suspended");
      assertThat(t.send("GET", t.adminUri("/admin/tiers"), null,
          Map.of("Authorization", "Bearer " + generatedAdminKey)).status()).isEqualTo(200);
      // a key still works through the proxy, and the new audit entries follow the copied ones
      String live = keys.get(activeKeyOf(before));
      assertThat(t.send("GET", t.gateUri("/v1/default/items/hello"), null,
          Map.of("Authorization", "Bearer " + live)).status()).isEqualTo(200);
      t.admin("PATCH", "/admin/customers/acme", "{\"name\":\"Acme after the move\"}");
      JsonNode newest = t.admin("GET", "/admin/audit?limit=1").json().get("entries").get(0);
      JsonNode newestBefore = before.get("/admin/audit?limit=200").get("entries").get(0);
      assertThat(newest.get("id").asLong()).isGreaterThan(newestBefore.get("id").asLong());
    }

    Run again = migrate(Map.of(), "--from", "sqlite:" + sqliteDir.resolve("tollgate.db"), "--to", pg.url());

    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("refused", "not empty", "nothing was copied").doesNotContain("password=");
    try (RunningTollgate t = postgresNode()) {
      assertThat(t.admin("GET", "/admin/customers?limit=200").json().get("customers").size())
          .isEqualTo(before.get("/admin/customers?limit=200").get("customers").size());
    }
  }

  /**
   * Webhook endpoints (with their secrets), the outbox, its deliveries in every state and the marks that make
   * events once are copied: the pending delivery is still due on PostgreSQL with its event id and secret, and a
   * batch that crosses the same threshold again writes nothing new.
   */
  @Test
  void migrate_keepsWebhookEndpointsOutboxDeliveriesAndEventMarks_pendingDeliveryStillDue() {
    String source = "sqlite:" + sqliteDir.resolve("tollgate.db");
    java.time.Instant now = java.time.Instant.now();
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    io.tollgate.metering.UsageThresholds tenUnits = (customerId, day) -> Optional.of(
        new io.tollgate.metering.UsageThresholds.Watch("starter", io.tollgate.limits.Units.of(10),
            io.tollgate.limits.BillingPeriod.month(java.time.YearMonth.from(day)), List.of(80), now));
    io.tollgate.metering.UsageBatch crossing = new io.tollgate.metering.UsageBatch("node-a:1", List.of(
        new io.tollgate.metering.UsageBatch.UsageRow("acme", "key_1", "get", today,
            io.tollgate.limits.Units.of(9), 9)), List.of(new io.tollgate.metering.UsageBatch.RefusalRow("acme",
        "key_1", "rate_limited", today, 2)));
    WebhookStore.Created created;
    List<io.tollgate.webhooks.Delivery> deliveriesBefore;
    try (Database db = Database.open(source)) {
      created = db.webhooks().create(new WebhookStore.NewEndpoint("https://hooks.example.com/t",
          List.of("usage.threshold", "rate_limit.sustained"), Optional.of("billing")), "test", now);
      db.watchUsageThresholds(tenUnits);
      db.watchRateLimits(java.time.Duration.ofSeconds(60));
      assertThat(db.usage().apply(crossing)).isTrue(); // 9 of 10: the 80 % event, and a 429 episode started
      db.webhooks().sendTest(created.endpoint().id(), now);
      WebhookStore.Claimed test = db.webhooks().claimDue("node-a", now.plusSeconds(1), now.plusSeconds(61), 10)
          .stream().filter(c -> c.payload().contains("webhook.test")).findFirst().orElseThrow();
      db.webhooks().delivered(test, 204, now.plusSeconds(1));
      deliveriesBefore = db.webhooks().deliveries(created.endpoint().id(), 100);
    }
    assertThat(deliveriesBefore).extracting(d -> d.status().wireName())
        .containsExactlyInAnyOrder("pending", "delivered");

    Run run = migrate(Map.of("TOLLGATE_STORE_URL", pg.url()), "--from", source);

    assertThat(run.exit()).as(run.err()).isZero();
    for (String table : List.of("webhook_endpoints", "webhook_events", "webhook_deliveries", "usage_thresholds",
        "rate_limit_episodes", "sla_at_risk", "key_expiring")) {
      assertThat(run.out()).containsPattern(table + " +\\d+ rows");
    }
    assertThat(run.out()).containsPattern("webhook_deliveries +2 rows").containsPattern("usage_thresholds +1 rows");
    try (Database db = Database.open(pg.url())) {
      assertThat(db.webhooks().list()).containsExactly(created.endpoint());
      assertThat(db.webhooks().deliveries(created.endpoint().id(), 100))
          .containsExactlyInAnyOrderElementsOf(deliveriesBefore);
      List<WebhookStore.Claimed> due = db.webhooks().claimDue("node-b", now.plusSeconds(120),
          now.plusSeconds(180), 10);
      assertThat(due).hasSize(1);
      assertThat(due.get(0).payload()).contains("\"type\":\"usage.threshold\"", "\"threshold\":80");
      assertThat(due.get(0).secret()).isEqualTo(created.secret()); // signed as before: the receiver's secret holds
      assertThat(due.get(0).eventId()).isEqualTo(deliveriesBefore.stream()
          .filter(d -> d.status() == io.tollgate.webhooks.Delivery.Status.PENDING).findFirst().orElseThrow()
          .eventId());
      db.watchUsageThresholds(tenUnits);
      assertThat(db.usage().apply(new io.tollgate.metering.UsageBatch("node-b:1", List.of(
          new io.tollgate.metering.UsageBatch.UsageRow("acme", "key_1", "get", today,
              io.tollgate.limits.Units.of(1), 1)), List.of()))).isTrue();
      assertThat(db.webhooks().deliveries(created.endpoint().id(), 100)).hasSize(2); // the mark came along
    }
  }

  @Test
  void migrate_intoASchemaOfASharedDatabase_findsAndFillsTheTablesThere() {
    Database.open("sqlite:" + sqliteDir.resolve("tollgate.db")).close();
    try (PostgresTestDatabase schema = PostgresTestDatabase.create()) {
      Run run = migrate(Map.of("TOLLGATE_STORE_URL", schema.url()), "--from", "sqlite:" + sqliteDir.resolve("tollgate.db"));

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("(schema " + schema.schema() + ")").containsPattern("registry_feed +1 rows")
          .containsPattern("customers +0 rows");
    }
  }

  /** A row PostgreSQL refuses (a NUL character, which SQLite stores) fails the copy after every other table. */
  @Test
  void migrate_rowTheTargetRefuses_rollsEverythingBack_targetStaysEmptyAndUsable() throws Exception {
    String source = "sqlite:" + sqliteDir.resolve("tollgate.db");
    Database.open(source).close();
    try (Connection c = DriverManager.getConnection("jdbc:" + source); Statement s = c.createStatement()) {
      s.execute("INSERT INTO customers VALUES ('acme', 'Acme', NULL, 'starter', '[]', 'active', '{}', '{}', 1, 1,"
          + " NULL, 1)");
      s.execute("INSERT INTO api_keys VALUES ('key_1', 'acme', 'bad' || char(0) || 'name', 'live', 'tg_live_abcd', '"
          + "0".repeat(64) + "', '[]', 1, NULL, NULL, NULL, NULL)");
    }

    Run failed = migrate(Map.of("TOLLGATE_STORE_URL", pg.url()), "--from", source);

    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.err()).contains("rolled back", "nothing was copied").doesNotContain("password=");
    try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM api_keys)")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
    try (Connection c = DriverManager.getConnection("jdbc:" + source); Statement s = c.createStatement()) {
      s.execute("UPDATE api_keys SET name = 'fixed'");
    }
    assertThat(migrate(Map.of("TOLLGATE_STORE_URL", pg.url()), "--from", source).exit()).isZero();
  }

  @Test
  void migrate_missingSourceFile_exits1_createsNothing() {
    Path missing = sqliteDir.resolve("nope/tollgate.db");

    Run run = migrate(Map.of(), "--from", "sqlite:" + missing, "--to", pg.url());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("no store at");
    assertThat(missing.getParent()).doesNotExist();
  }

  @Test
  void migrate_withoutTarget_orWithASqliteTarget_isAUsageError() {
    assertThat(migrate(Map.of(), "--from", "sqlite:x.db").exit()).isEqualTo(2);
    assertThat(migrate(Map.of(), "--from", "sqlite:x.db", "--to", "sqlite:y.db").exit()).isEqualTo(2);
  }

  /** Customers in every state, keys revoked, rotated and expiring, metadata and overrides, usage and refusals. */
  private static void populate(RunningTollgate t, Map<String, String> keys) {
    created(t, keys, "{\"customer_id\":\"acme\",\"name\":\"Acme\",\"email\":\"ops@acme.example\",\"tier\":\"growth\","
        + "\"namespaces\":[\"default\",\"staging\"],\"metadata\":{\"crm\":\"A-17\",\"plan\":{\"seats\":3}},"
        + "\"limits\":{\"rate_limit\":{\"requests\":300}}}");
    created(t, keys, "{\"customer_id\":\"globex\",\"tier\":\"starter\"}");
    created(t, keys, "{\"customer_id\":\"initech\",\"tier\":\"scale\",\"namespaces\":[\"default\"]}");
    created(t, keys, "{\"customer_id\":\"gone\",\"tier\":\"starter\"}");
    key(t, keys, "acme", "{\"name\":\"ci\",\"environment\":\"test\",\"namespaces\":[\"staging\"],"
        + "\"expires_at\":\"2099-12-31T23:59:59Z\"}");
    String revoked = key(t, keys, "acme", "{\"name\":\"old\"}");
    ok(t.admin("DELETE", "/admin/customers/acme/keys/" + revoked));
    String rotating = key(t, keys, "globex", "{\"name\":\"rotating\"}");
    JsonNode rotated = ok(t.admin("POST", "/admin/customers/globex/keys/" + rotating + "/rotate",
        "{\"grace_period_s\":3600}")).json();
    keys.put(rotated.get("key_id").asText(), rotated.get("key").asText());
    // traffic: proxied requests, verifications with units, refusals of several kinds
    for (Map.Entry<String, String> k : keys.entrySet()) {
      Map<String, String> auth = Map.of("Authorization", "Bearer " + k.getValue());
      t.send("PUT", t.gateUri("/v1/default/items/hello"), "world", auth);
      t.send("GET", t.gateUri("/v1/default/items/hello"), null, auth);
      t.send("GET", t.gateUri("/v1/private/items/hello"), null, auth);
      t.send("POST", t.gateUri("/v1/verify"), "{\"key\":\"" + k.getValue() + "\",\"units\":2.5}", SERVICE);
    }
    ok(t.admin("PATCH", "/admin/customers/initech", "{\"active\":false}"));
    t.send("POST", t.gateUri("/v1/verify"), "{\"key\":\"" + keys.get(firstKey(keys, t, "initech")) + "\"}", SERVICE);
    ok(t.admin("POST", "/admin/customers/acme/namespaces", "{\"namespace\":\"prod\"}"));
    ok(t.admin("DELETE", "/admin/customers/gone"));
  }

  private static String firstKey(Map<String, String> keys, RunningTollgate t, String customer) {
    JsonNode list = t.admin("GET", "/admin/customers/" + customer + "/keys").json().get("keys");
    return list.get(0).get("key_id").asText();
  }

  private static void created(RunningTollgate t, Map<String, String> keys, String body) {
    JsonNode key = ok(t.admin("POST", "/admin/customers", body)).json().get("api_key");
    keys.put(key.get("key_id").asText(), key.get("key").asText());
  }

  private static String key(RunningTollgate t, Map<String, String> keys, String customer, String body) {
    JsonNode key = ok(t.admin("POST", "/admin/customers/" + customer + "/keys", body)).json();
    keys.put(key.get("key_id").asText(), key.get("key").asText());
    return key.get("key_id").asText();
  }

  private static Answer ok(Answer a) {
    assertThat(a.status()).as(a.text()).isBetween(200, 299);
    return a;
  }

  /** Every document the Admin API gives about the store, by path. */
  private static Map<String, JsonNode> documents(RunningTollgate t) {
    Map<String, JsonNode> docs = new LinkedHashMap<>();
    List<String> paths = new ArrayList<>(List.of("/admin/customers?limit=200", "/admin/audit?limit=200",
        "/admin/usage", "/admin/usage/export?format=json", "/admin/tiers"));
    for (String p : List.copyOf(paths)) {
      docs.put(p, ok(t.admin("GET", p)).json());
    }
    for (JsonNode c : docs.get("/admin/customers?limit=200").get("customers")) {
      String id = c.get("customer_id").asText();
      for (String p : List.of("", "/keys", "/usage", "/usage/daily", "/usage?period=" + thisMonth())) {
        docs.put("/admin/customers/" + id + p, ok(t.admin("GET", "/admin/customers/" + id + p)).json());
      }
      for (JsonNode k : docs.get("/admin/customers/" + id + "/keys").get("keys")) {
        String path = "/admin/customers/" + id + "/keys/" + k.get("key_id").asText();
        docs.put(path, ok(t.admin("GET", path)).json());
      }
      docs.put("/admin/audit?customer_id=" + id, ok(t.admin("GET", "/admin/audit?customer_id=" + id)).json());
    }
    assertThat(docs.get("/admin/audit?limit=200").get("entries").size()).isGreaterThan(10);
    return docs;
  }

  private static String thisMonth() {
    return java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();
  }

  /** Each key's dry-run verification: {@code valid} or the refusal code. */
  private static Map<String, String> decisions(RunningTollgate t, Map<String, String> keys) {
    Map<String, String> decisions = new LinkedHashMap<>();
    keys.forEach((id, secret) -> {
      JsonNode v = t.send("POST", t.gateUri("/v1/verify"), "{\"key\":\"" + secret + "\",\"dry_run\":true}",
          SERVICE).json();
      decisions.put(id, v.get("valid").asBoolean() ? "valid" : v.path("code").asText());
    });
    return decisions;
  }

  private static String activeKeyOf(Map<String, JsonNode> docs) {
    for (JsonNode k : docs.get("/admin/customers/acme/keys").get("keys")) {
      if (k.get("status").asText().equals("active") && k.path("namespaces").isEmpty()) {
        return k.get("key_id").asText();
      }
    }
    throw new AssertionError("acme has no active key for every namespace");
  }
}
