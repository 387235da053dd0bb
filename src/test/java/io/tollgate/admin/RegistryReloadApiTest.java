package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.InvalidConfigException;
import io.tollgate.store.CapturedLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /admin/registry/reload}: re-reads the tier file, swaps it in when valid, changes nothing when not. */
final class RegistryReloadApiTest {
  static final String STARTER = """
        - name: starter
          display_name: Starter
          price: {amount: 100, currency: USD, period: month}
          quota: {units: 1000, period: month}
          rate_limit: {requests: 10, window_s: 1, burst: 20}
          sla: 99.5
      """;
  private static final String GROWTH = """
        - name: growth
          display_name: Growth
          price: {amount: 500, currency: USD, period: month}
          quota: {units: 50000, period: month}
          rate_limit: {requests: 100, window_s: 60}
          sla: 99.9
      """;
  static final String GOLD = """
        - name: gold
          display_name: Gold
          price: {amount: 900.5, currency: EUR, period: year}
          quota: {units: 123456.5, period: year}
          rate_limit: {requests: 300, window_s: 10, burst: 450}
          sla: 99.95
      """;

  private static final String CONFIG = """
      tiers: tiers.yaml
      default_tier: starter
      routes:
        - { method: GET, path: "/v1/{namespace}/items/{id}", operation: get, units: 0.5 }
        - { method: PUT, path: "/v1/{namespace}/items/{id}", operation: put, units: 1 }
        - { method: POST, path: "/v1/{namespace}/query", operation: query_topk, units: 2 }
      """;

  @TempDir Path dir;
  private Path configFile;
  private Path tiersFile;
  private RunningTollgate tollgate;

  @BeforeEach
  void start() throws IOException {
    tiersFile = dir.resolve("tiers.yaml");
    writeTiers(STARTER + GROWTH);
    configFile = dir.resolve("tollgate.yaml");
    Files.writeString(configFile, CONFIG);
    tollgate = RunningTollgate.start(dir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY),
        Optional.of(configFile));
  }

  @AfterEach
  void stop() {
    tollgate.close();
  }

  private void writeTiers(String items) throws IOException {
    Files.writeString(tiersFile, "tiers:\n" + items);
  }

  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private JsonNode ok(Answer a) {
    assertThat(a.status()).as("answer %s", a.text()).isEqualTo(200);
    return a.json();
  }

  private JsonNode reload() {
    return ok(tollgate.admin("POST", "/admin/registry/reload"));
  }

  private JsonNode refusedReload() {
    Answer a = tollgate.admin("POST", "/admin/registry/reload");
    assertThat(a.status()).as("answer %s", a.text()).isEqualTo(422);
    assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    JsonNode p = a.json();
    assertThat(p.path("code").asText()).isEqualTo("invalid_configuration");
    assertThat(p.path("detail").asText()).isNotBlank();
    return p;
  }

  private List<String> tierNames() {
    return StreamSupport.stream(ok(tollgate.admin("GET", "/admin/tiers")).path("tiers").spliterator(), false)
        .map(t -> t.path("name").asText()).toList();
  }

  private void createCustomer(String body) {
    Answer a = tollgate.admin("POST", "/admin/customers", json(body));
    assertThat(a.status()).as("create: %s", a.text()).isEqualTo(201);
  }

  /**
   * A reload of {@code CONFIG + tail} is refused with a detail holding each of {@code expected}, logged, and audited,
   * with no part of {@code secret} in the detail, the log or the audit entry.
   */
  private void assertRefusedNeverShowing(String secret, String tail, String... expected) throws IOException {
    Files.writeString(configFile, CONFIG + tail);
    try (CapturedLogs logs = new CapturedLogs()) {
      String detail = refusedReload().path("detail").asText();
      assertThat(detail).contains(expected);
      assertNoPartOf(secret, detail);
      assertThat(logs.texts()).anySatisfy(l -> assertThat(l).contains(expected[0]));
      assertNoPartOf(secret, String.join("\n", logs.texts()));
    }
    assertNoPartOf(secret, newestAudit().toString());
  }

  @Test
  void reload_withYamlSyntaxErrorOnASecretsLine_reportsLineAndColumnButNeverTheText() throws IOException {
    String secret = "hmac-secret-that-must-never-be-echoed-0123456789";
    assertRefusedNeverShowing(secret, "keys:\n  hmac_secret: " + secret + ": oops\n", "line 8, column",
        "mapping values are not allowed");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(configFile), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasNoCause().hasMessageContaining("line 8, column")
        .satisfies(e -> assertNoPartOf(secret, e.getMessage()));
  }

  /** Not even a piece of {@code secret} (8 characters or more) is in {@code text}: parsers quote lines cut short. */
  private static void assertNoPartOf(String secret, String text) {
    for (int i = 0; i + 8 <= secret.length(); i++) {
      assertThat(text).as("text holding part of the secret").doesNotContain(secret.substring(i, i + 8));
    }
  }

  private JsonNode newestAudit() {
    JsonNode entries = ok(tollgate.admin("GET", "/admin/audit?limit=1")).path("entries");
    assertThat(entries).hasSize(1);
    return entries.get(0);
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void reload_changingTiersAndRoutes_writesAnAuditEntryListingEachChange() throws IOException {
    writeTiers(STARTER.replace("amount: 100", "amount: 120").replace("requests: 10", "requests: 12") + GOLD);
    Files.writeString(configFile, CONFIG.replace("operation: put, units: 1 }", "operation: put, units: 2 }")
        + "  - { method: POST, path: \"/v1/{namespace}/search\", operation: search, units: 1.5 }\n");
    reload();

    JsonNode e = newestAudit();
    assertThat(e.path("action").asText()).isEqualTo("registry.reload");
    assertThat(e.path("actor").asText()).startsWith("adm_cfg_");
    assertThat(e.path("customer_id").asText()).isEmpty();
    assertThat(e.path("key_id").isNull()).isTrue();
    JsonNode changes = e.path("changes");
    assertThat(changes.path("tiers.starter.price.amount").path("before").asInt()).isEqualTo(100);
    assertThat(changes.path("tiers.starter.price.amount").path("after").asInt()).isEqualTo(120);
    assertThat(changes.path("tiers.starter.rate_limit.requests").path("before").asInt()).isEqualTo(10);
    assertThat(changes.path("tiers.starter.rate_limit.requests").path("after").asInt()).isEqualTo(12);
    assertThat(changes.path("tiers.growth").path("before").path("price").path("amount").asInt()).isEqualTo(500);
    assertThat(changes.path("tiers.growth").path("after").isNull()).as("growth removed").isTrue();
    assertThat(changes.path("tiers.gold").path("before").isNull()).as("gold added").isTrue();
    assertThat(changes.path("tiers.gold").path("after").path("price").path("amount").asDouble()).isEqualTo(900.5);
    assertThat(changes.path("tiers.gold").path("after").path("quota").path("period").asText()).isEqualTo("year");
    assertThat(changes.path("routes.PUT /v1/{namespace}/items/{id}.units").path("after").asInt()).isEqualTo(2);
    assertThat(changes.path("routes.POST /v1/{namespace}/search").path("after").path("operation").asText())
        .isEqualTo("search");
    assertThat(fieldNames(changes)).containsExactlyInAnyOrder(
        "tiers.starter.price.amount", "tiers.starter.rate_limit.requests", "tiers.growth", "tiers.gold",
        "routes.PUT /v1/{namespace}/items/{id}.units", "routes.POST /v1/{namespace}/search");
  }

  @Test
  void reload_ofUnchangedFiles_isAuditedWithNoChanges() {
    reload();
    JsonNode e = newestAudit();
    assertThat(e.path("action").asText()).isEqualTo("registry.reload");
    assertThat(e.path("changes").isEmpty()).isTrue();
  }

  @Test
  void reload_refusedForInvalidYaml_writesARefusedAuditEntryWithTheReasonButNoSourceText() throws IOException {
    String secret = "hmac-secret-that-must-never-be-echoed-0123456789";
    Files.writeString(configFile, CONFIG + "keys:\n  hmac_secret: " + secret + ": oops\n");
    String detail = refusedReload().path("detail").asText();

    JsonNode e = newestAudit();
    assertThat(e.path("action").asText()).isEqualTo("registry.reload.refused");
    assertThat(e.path("actor").asText()).startsWith("adm_cfg_");
    assertThat(e.path("customer_id").asText()).isEmpty();
    String reason = e.path("changes").path("reason").path("after").asText();
    assertThat(reason).isEqualTo(detail).contains("line 8");
    assertNoPartOf(secret, e.toString());
    assertThat(tierNames()).containsExactly("starter", "growth");
  }

  @Test
  void reload_refusedForATierInUse_isAuditedAsRefusedAndTheNextReloadStillDiffsFromTheCatalogInForce()
      throws IOException {
    createCustomer("{'customer_id':'grower','tier':'growth'}");
    writeTiers(STARTER + GOLD);
    refusedReload();
    assertThat(newestAudit().path("action").asText()).isEqualTo("registry.reload.refused");
    assertThat(newestAudit().path("changes").path("reason").path("after").asText()).contains("growth");

    writeTiers(STARTER + GROWTH + GOLD);
    reload();
    assertThat(fieldNames(newestAudit().path("changes"))).containsExactly("tiers.gold");
  }

  @Test
  void reload_withAnInvalidEngineUrlHoldingAPassword_neverEchoesItInThe422TheAuditOrTheLog() throws IOException {
    String password = "engine-password-never-echoed-7";
    assertRefusedNeverShowing("svc:" + password, "gate:\n  engine: 'ftp://svc:" + password + "@engine:9000'\n",
        "gate.engine", "line 8", "the value is not shown");
  }

  @Test
  void tiers_fromConfiguredFile_areServed() {
    assertThat(tierNames()).containsExactly("starter", "growth");
    JsonNode growth = ok(tollgate.admin("GET", "/admin/tiers")).path("tiers").get(1);
    assertThat(growth.path("rate_limit").path("window_s").asLong()).isEqualTo(60);
    assertThat(growth.path("rate_limit").path("burst").asLong()).as("burst defaults to requests").isEqualTo(100);
  }

  @Test
  void reload_unchangedFiles_answersCounts() {
    createCustomer("{'customer_id':'reload-a'}");
    createCustomer("{'customer_id':'reload-b','tier':'growth'}");
    assertThat(tollgate.admin("POST", "/admin/customers/reload-b/keys", "{}").status()).isEqualTo(201);

    JsonNode counts = reload();
    assertThat(counts.path("status").asText()).isEqualTo("reloaded");
    assertThat(counts.path("customers").asInt()).isEqualTo(2);
    assertThat(counts.path("keys").asInt()).isEqualTo(3);
    assertThat(counts.path("tiers").asInt()).isEqualTo(2);
    assertThat(counts.path("routes").asInt()).isEqualTo(3);
    assertThat(tierNames()).containsExactly("starter", "growth");
  }

  @Test
  void reload_withoutAdminKey_returns401AndChangesNothing() throws IOException {
    writeTiers(STARTER + GROWTH + GOLD);
    Answer a = tollgate.send("POST", tollgate.adminUri("/admin/registry/reload"), null, Map.of());
    assertThat(a.status()).isEqualTo(401);
    assertThat(tierNames()).containsExactly("starter", "growth");
  }

  @Test
  void reload_afterAddingTier_servesItAndAcceptsCustomersOnIt() throws IOException {
    Answer refused = tollgate.admin("POST", "/admin/customers", json("{'customer_id':'gold-early','tier':'gold'}"));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().path("code").asText()).isEqualTo("unknown_tier");

    writeTiers(STARTER + GROWTH + GOLD);
    assertThat(reload().path("tiers").asInt()).isEqualTo(3);

    assertThat(tierNames()).containsExactly("starter", "growth", "gold");
    JsonNode gold = ok(tollgate.admin("GET", "/admin/tiers")).path("tiers").get(2);
    assertThat(gold.path("display_name").asText()).isEqualTo("Gold");
    assertThat(gold.path("price").path("amount").asDouble()).isEqualTo(900.5);
    assertThat(gold.path("price").path("currency").asText()).isEqualTo("EUR");
    assertThat(gold.path("price").path("period").asText()).isEqualTo("year");
    assertThat(gold.path("quota").path("units").asDouble()).isEqualTo(123456.5);
    assertThat(gold.path("sla").asDouble()).isEqualTo(99.95);

    Answer created = tollgate.admin("POST", "/admin/customers", json("{'customer_id':'gold-corp','tier':'gold'}"));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    JsonNode limits = created.json().path("limits");
    assertThat(limits.path("quota").path("units").asDouble()).isEqualTo(123456.5);
    assertThat(limits.path("quota").path("period").asText()).isEqualTo("year");
    assertThat(limits.path("rate_limit").path("requests").asLong()).isEqualTo(300);
    assertThat(limits.path("rate_limit").path("window_s").asLong()).isEqualTo(10);
    assertThat(limits.path("rate_limit").path("burst").asLong()).isEqualTo(450);
  }

  @Test
  void reload_withChangedTierLimits_changesEffectiveLimitsOfItsCustomers() throws IOException {
    createCustomer("{'customer_id':'on-starter'}");
    writeTiers(STARTER.replace("units: 1000", "units: 7777").replace("requests: 10", "requests: 12") + GROWTH);
    reload();
    JsonNode limits = ok(tollgate.admin("GET", "/admin/customers/on-starter")).path("limits");
    assertThat(limits.path("quota").path("units").asLong()).isEqualTo(7777);
    assertThat(limits.path("rate_limit").path("requests").asLong()).isEqualTo(12);
  }

  @Test
  void reload_withInvalidQuotaPeriod_returns422NamingKeyAndLineAndChangesNothing() throws IOException {
    String tiersBefore = ok(tollgate.admin("GET", "/admin/tiers")).toString();
    writeTiers(STARTER + GROWTH + GOLD.replace("quota: {units: 123456.5, period: year}",
        "quota: {units: 10, period: week}"));
    // "tiers:" is line 1, each tier takes 6 lines: gold's quota is line 1 + 12 + 4
    int line = 17;
    assertThat(Files.readAllLines(tiersFile).get(line - 1)).contains("period: week");

    String detail = refusedReload().path("detail").asText();
    assertThat(detail).contains("quota.period").contains("line " + line);

    assertThat(ok(tollgate.admin("GET", "/admin/tiers")).toString()).isEqualTo(tiersBefore);
    Answer refused = tollgate.admin("POST", "/admin/customers", json("{'customer_id':'gold-none','tier':'gold'}"));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().path("code").asText()).isEqualTo("unknown_tier");
  }

  @Test
  void reload_withInvalidYaml_returns422AndChangesNothing() throws IOException {
    String tiersBefore = ok(tollgate.admin("GET", "/admin/tiers")).toString();
    Files.writeString(tiersFile, "tiers:\n  - name: starter\n    quota: {units: 10, period: month\n");
    assertThat(refusedReload().path("detail").asText()).contains("line");
    assertThat(ok(tollgate.admin("GET", "/admin/tiers")).toString()).isEqualTo(tiersBefore);
  }

  @Test
  void reload_withUnknownKey_returns422NamingIt() throws IOException {
    writeTiers(STARTER + GROWTH.replace("sla: 99.9", "sla: 99.9\n    colour: blue"));
    assertThat(refusedReload().path("detail").asText()).contains("colour").contains("line 14");
    assertThat(tierNames()).containsExactly("starter", "growth");
  }

  @Test
  void reload_droppingTierInUse_returns422AndChangesNothing() throws IOException {
    createCustomer("{'customer_id':'grower','tier':'growth'}");
    String tiersBefore = ok(tollgate.admin("GET", "/admin/tiers")).toString();
    String customerBefore = ok(tollgate.admin("GET", "/admin/customers/grower")).toString();

    writeTiers(STARTER + GOLD);
    assertThat(refusedReload().path("detail").asText()).contains("growth");

    assertThat(ok(tollgate.admin("GET", "/admin/tiers")).toString()).isEqualTo(tiersBefore);
    assertThat(ok(tollgate.admin("GET", "/admin/customers/grower")).toString()).isEqualTo(customerBefore);
    Answer gold = tollgate.admin("POST", "/admin/customers", json("{'customer_id':'gold-none','tier':'gold'}"));
    assertThat(gold.status()).isEqualTo(422);
  }

  @Test
  void reload_droppingTheDefaultTier_returns422AndChangesNothing() throws IOException {
    writeTiers(GROWTH + GOLD);
    assertThat(refusedReload().path("detail").asText()).contains("default_tier");
    assertThat(tierNames()).containsExactly("starter", "growth");
    Answer created = tollgate.admin("POST", "/admin/customers", "{}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().path("tier").asText()).isEqualTo("starter");
  }

  @Test
  void reload_afterARefusal_acceptsTheFixedFile() throws IOException {
    writeTiers(STARTER + GROWTH + GOLD.replace("sla: 99.95", "sla: 101"));
    refusedReload();
    writeTiers(STARTER + GROWTH + GOLD);
    assertThat(reload().path("status").asText()).isEqualTo("reloaded");
    assertThat(tierNames()).containsExactly("starter", "growth", "gold");
  }

  @Test
  void reload_withAnotherRoute_countsIt() throws IOException {
    Files.writeString(configFile, CONFIG
        + "  - { method: POST, path: \"/v1/{namespace}/search\", operation: search, units: 1.5 }\n");
    assertThat(reload().path("routes").asInt()).isEqualTo(4);
  }

  @Test
  void reload_withInvalidRoute_returns422NamingKeyAndLine() throws IOException {
    Files.writeString(configFile, CONFIG
        + "  - { method: POST, path: \"/v1/{namespace}/search\", operation: Search-Op, units: 1.5 }\n");
    assertThat(refusedReload().path("detail").asText()).contains("routes.3.operation").contains("line 7");
  }

  @Test
  void reload_withInvalidKeyElsewhereInTheFile_returns422() throws IOException {
    Files.writeString(configFile, CONFIG + "metering:\n  durability: sometimes\n");
    assertThat(refusedReload().path("detail").asText()).contains("metering.durability").contains("line 8");
    assertThat(tierNames()).containsExactly("starter", "growth");
  }

  @Test
  void reload_withMissingTiersFile_returns422AndChangesNothing() throws IOException {
    Files.delete(tiersFile);
    assertThat(refusedReload().path("detail").asText()).contains("tiers");
    assertThat(tierNames()).containsExactly("starter", "growth");
  }

  @Test
  void usageOfAll_withMonthlyDefaultTier_defaultsToTheCurrentMonth() {
    JsonNode body = ok(tollgate.admin("GET", "/admin/usage"));
    assertThat(body.path("period").asText()).isEqualTo(YearMonth.now(ZoneOffset.UTC).toString());
  }
}
