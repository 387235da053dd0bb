package io.tollgate.admin;

import static io.tollgate.admin.AdminAnswers.errorFields;
import static io.tollgate.admin.AdminAnswers.json;
import static io.tollgate.admin.AdminAnswers.ok;
import static io.tollgate.admin.AdminAnswers.problem;
import static io.tollgate.admin.AdminAnswers.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The tier catalog, usage documents, the audit log and the OpenAPI document, through real HTTP. */
final class UsageAndCatalogApiTest {
  @RegisterExtension static final SharedTollgate server = new SharedTollgate();

  private static JsonNode createCustomer(String body) {
    Answer a = server.get().admin("POST", "/admin/customers", json(body));
    assertThat(a.status()).as("create: %s", a.text()).isEqualTo(201);
    return a.json();
  }

  private static int thisYear() {
    return Year.now(ZoneOffset.UTC).getValue();
  }

  // ---------------------------------------------------------------- tiers

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // name,      display,    price,   quota,     requests, sla
      "starter,    Starter,    100000,  2000000,   50,       99.9",
      "growth,     Growth,     250000,  10000000,  100,      99.95",
      "scale,      Scale,      500000,  30000000,  200,      99.95",
      "enterprise, Enterprise, 1000000, 80000000,  500,      99.99",
      "custom,     Custom,     2000000, 200000000, 1000,     99.99",
  })
  void tiers_builtInCatalog_listsSeedTiersWithEveryField(String name, String display, long price, long quota,
      long requests, double sla) {
    JsonNode tier = null;
    for (JsonNode t : ok(server.get().admin("GET", "/admin/tiers")).path("tiers")) {
      if (t.path("name").asText().equals(name)) {
        tier = t;
      }
    }
    assertThat(tier).as("tier %s", name).isNotNull();
    assertThat(tier.path("display_name").asText()).isEqualTo(display);
    assertThat(tier.path("price").path("amount").asLong()).isEqualTo(price);
    assertThat(tier.path("price").path("currency").asText()).isEqualTo("USD");
    assertThat(tier.path("price").path("period").asText()).isEqualTo("year");
    assertThat(tier.path("quota").path("units").asLong()).isEqualTo(quota);
    assertThat(tier.path("quota").path("period").asText()).isEqualTo("year");
    assertThat(tier.path("rate_limit").path("requests").asLong()).isEqualTo(requests);
    assertThat(tier.path("rate_limit").path("window_s").asLong()).isEqualTo(1);
    assertThat(tier.path("rate_limit").path("burst").asLong()).isEqualTo(requests);
    assertThat(tier.path("sla").isNumber()).isTrue();
    assertThat(tier.path("sla").asDouble()).isEqualTo(sla);
  }

  @Test
  void tiers_builtInCatalog_listsFiveTiersInOrder() {
    JsonNode body = ok(server.get().admin("GET", "/admin/tiers"));
    List<String> names = StreamSupport.stream(body.path("tiers").spliterator(), false)
        .map(t -> t.path("name").asText()).toList();
    assertThat(names).containsExactly("starter", "growth", "scale", "enterprise", "custom");
    assertThat(body.path("default_tier").asText()).isEqualTo("starter");
  }

  // ---------------------------------------------------------------- usage of one customer

  @Test
  void usage_ofNewCustomer_isZeroForTheCurrentYear() {
    createCustomer("{'customer_id':'usage-new'}");
    JsonNode u = ok(server.get().admin("GET", "/admin/customers/usage-new/usage"));
    int year = thisYear();
    assertThat(u.path("customer_id").asText()).isEqualTo("usage-new");
    assertThat(u.path("period").asText()).isEqualTo(Integer.toString(year));
    assertThat(u.path("period_start").asText()).isEqualTo(year + "-01-01T00:00:00Z");
    assertThat(u.path("period_end").asText()).isEqualTo((year + 1) + "-01-01T00:00:00Z");
    assertThat(u.path("units_used").isNumber()).isTrue();
    assertThat(u.path("units_used").asDouble()).isZero();
    assertThat(u.path("quota").asLong()).isEqualTo(2_000_000);
    assertThat(u.path("utilization").isNumber()).isTrue();
    assertThat(u.path("utilization").asDouble()).isZero();
    assertThat(u.path("requests").isNumber()).isTrue();
    assertThat(u.path("requests").asLong()).isZero();
    assertThat(u.path("breakdown").isObject()).isTrue();
    assertThat(u.path("breakdown").size()).isZero();
    assertThat(u.path("by_key").isObject()).isTrue();
    assertThat(u.path("by_key").size()).isZero();
    JsonNode rejected = u.path("rejected");
    for (String code : List.of("rate_limited", "quota_exceeded", "namespace_denied")) {
      assertThat(rejected.path(code).isNumber()).as(code).isTrue();
      assertThat(rejected.path(code).asLong()).as(code).isZero();
    }
  }

  @Test
  void usage_ofMonthlyQuotaCustomer_defaultsToTheCurrentMonth() {
    createCustomer("{'customer_id':'usage-monthly','limits':{'quota':{'units':500000,'period':'month'}}}");
    JsonNode u = ok(server.get().admin("GET", "/admin/customers/usage-monthly/usage"));
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    assertThat(u.path("period").asText()).isEqualTo(month.toString());
    assertThat(u.path("period_start").asText()).isEqualTo(month + "-01T00:00:00Z");
    assertThat(u.path("period_end").asText()).isEqualTo(month.plusMonths(1) + "-01T00:00:00Z");
    assertThat(u.path("quota").asLong()).isEqualTo(500_000);
    assertThat(u.path("utilization").asDouble()).isZero();
  }

  @Test
  void usage_forAMonthOfAYearlyQuota_hasNoUtilization() {
    createCustomer("{'customer_id':'usage-month'}");
    int year = thisYear();
    JsonNode u = ok(server.get().admin("GET", "/admin/customers/usage-month/usage?period=" + year + "-02"));
    assertThat(u.path("period").asText()).isEqualTo(year + "-02");
    assertThat(u.path("period_start").asText()).isEqualTo(year + "-02-01T00:00:00Z");
    assertThat(u.path("period_end").asText()).isEqualTo(year + "-03-01T00:00:00Z");
    assertThat(u.has("utilization")).isTrue();
    assertThat(u.path("utilization").isNull()).isTrue();
    assertThat(u.path("units_used").asDouble()).isZero();
  }

  @Test
  void usage_forDecember_endsOnTheFirstOfJanuary() {
    createCustomer("{'customer_id':'usage-december'}");
    JsonNode u = ok(server.get().admin("GET", "/admin/customers/usage-december/usage?period=2025-12"));
    assertThat(u.path("period_start").asText()).isEqualTo("2025-12-01T00:00:00Z");
    assertThat(u.path("period_end").asText()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void usage_forAnotherYear_reportsThatYear() {
    createCustomer("{'customer_id':'usage-year'}");
    JsonNode u = ok(server.get().admin("GET", "/admin/customers/usage-year/usage?period=2025"));
    assertThat(u.path("period").asText()).isEqualTo("2025");
    assertThat(u.path("period_start").asText()).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(u.path("period_end").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(u.path("utilization").asDouble()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-13", "2026-00", "abc", "26", "2026-1", "2026-01-01"})
  void usage_withInvalidPeriod_returns422(String period) {
    createCustomerOnce("usage-invalid");
    JsonNode p = problem(server.get().admin("GET", "/admin/customers/usage-invalid/usage?period=" + period), 422,
        "validation_failed");
    assertThat(errorFields(p)).contains("period");
  }

  @Test
  void usage_ofDeactivatedCustomer_isStillReported() {
    createCustomer("{'customer_id':'usage-gone'}");
    assertThat(server.get().admin("DELETE", "/admin/customers/usage-gone").status()).isEqualTo(200);
    JsonNode u = ok(server.get().admin("GET", "/admin/customers/usage-gone/usage"));
    assertThat(u.path("customer_id").asText()).isEqualTo("usage-gone");
    assertThat(u.path("requests").asLong()).isZero();
  }

  @Test
  void usage_ofUnknownCustomer_returns404() {
    problem(server.get().admin("GET", "/admin/customers/usage-nobody/usage"), 404, "customer_not_found");
    problem(server.get().admin("GET", "/admin/customers/usage-nobody/usage/daily"), 404, "customer_not_found");
  }

  private static void createCustomerOnce(String id) {
    if (server.get().admin("GET", "/admin/customers/" + id).status() == 404) {
      createCustomer("{'customer_id':'" + id + "'}");
    }
  }

  // ---------------------------------------------------------------- usage of every customer

  @Test
  void usageOfAll_forAMonth_listsEveryCustomer(@TempDir Path dir) {
    try (RunningTollgate t = RunningTollgate.start(dir)) {
      for (String id : List.of("all-b", "all-a", "all-c")) {
        assertThat(t.admin("POST", "/admin/customers", json("{'customer_id':'" + id + "'}")).status()).isEqualTo(201);
      }
      assertThat(t.admin("DELETE", "/admin/customers/all-c").status()).isEqualTo(200);
      JsonNode body = ok(t.admin("GET", "/admin/usage?period=2026-01"));
      assertThat(body.path("period").asText()).isEqualTo("2026-01");
      assertThat(body.path("period_start").asText()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(body.path("period_end").asText()).isEqualTo("2026-02-01T00:00:00Z");
      List<String> ids = new ArrayList<>();
      for (JsonNode u : body.path("customers")) {
        ids.add(u.path("customer_id").asText());
        assertThat(u.path("period").asText()).isEqualTo("2026-01");
        assertThat(u.path("units_used").asDouble()).isZero();
        assertThat(u.path("requests").asLong()).isZero();
        assertThat(u.path("quota").asLong()).isEqualTo(2_000_000);
      }
      assertThat(ids).containsExactly("all-a", "all-b", "all-c");
    }
  }

  @Test
  void usageOfAll_withoutPeriod_defaultsToTheDefaultTiersCurrentYear() {
    createCustomerOnce("all-default");
    JsonNode body = ok(server.get().admin("GET", "/admin/usage"));
    int year = thisYear();
    assertThat(body.path("period").asText()).isEqualTo(Integer.toString(year));
    assertThat(body.path("period_start").asText()).isEqualTo(year + "-01-01T00:00:00Z");
    assertThat(body.path("period_end").asText()).isEqualTo((year + 1) + "-01-01T00:00:00Z");
    assertThat(StreamSupport.stream(body.path("customers").spliterator(), false)
        .map(u -> u.path("customer_id").asText())).contains("all-default").isSorted();
  }

  @Test
  void usageOfAll_withInvalidPeriod_returns422() {
    JsonNode p = problem(server.get().admin("GET", "/admin/usage?period=2026-13"), 422, "validation_failed");
    assertThat(errorFields(p)).contains("period");
  }

  // ---------------------------------------------------------------- daily usage

  @Test
  void daily_forJanuary_answersAnEmptySeries() {
    createCustomer("{'customer_id':'daily-corp'}");
    JsonNode d = ok(server.get().admin("GET", "/admin/customers/daily-corp/usage/daily?from=2026-01-01&to=2026-01-31"));
    assertThat(d.path("customer_id").asText()).isEqualTo("daily-corp");
    assertThat(d.path("from").asText()).isEqualTo("2026-01-01");
    assertThat(d.path("to").asText()).isEqualTo("2026-01-31");
    assertThat(d.path("days").isArray()).isTrue();
    assertThat(d.path("days").size()).isZero();
  }

  @Test
  void daily_withoutRange_coversThe30DaysUpToToday() {
    createCustomerOnce("daily-default");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    JsonNode d = ok(server.get().admin("GET", "/admin/customers/daily-default/usage/daily"));
    assertThat(d.path("to").asText()).isEqualTo(today.toString());
    assertThat(d.path("from").asText()).isEqualTo(today.minusDays(29).toString());
    assertThat(d.path("days").size()).isZero();
  }

  @Test
  void daily_withOnlyTo_covers30DaysUpToIt() {
    createCustomerOnce("daily-default");
    JsonNode d = ok(server.get().admin("GET", "/admin/customers/daily-default/usage/daily?to=2026-03-31"));
    assertThat(d.path("from").asText()).isEqualTo("2026-03-02");
    assertThat(d.path("to").asText()).isEqualTo("2026-03-31");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "from=2020-01-01, to",
      "from=2026-02-01&to=2026-01-01, to",
      "from=2026-01-32&to=2026-02-01, from",
      "from=yesterday, from",
      "from=2026-01-01&to=soon, to",
      "from=2024-01-01&to=2026-01-01, to",
      "from=%2B999999999-12-01&to=%2B999999999-12-31, from",
      "from=9999-12-01&to=10000-01-01, to",
  })
  void daily_withInvalidRange_returns422(String query, String field) {
    createCustomerOnce("daily-invalid");
    JsonNode p = problem(server.get().admin("GET", "/admin/customers/daily-invalid/usage/daily?" + query), 422,
        "validation_failed");
    assertThat(errorFields(p)).contains(field);
  }

  // ---------------------------------------------------------------- audit

  @Test
  void audit_ofAScenario_listsEveryChangeNewestFirst() {
    JsonNode created = createCustomer("{'customer_id':'audited','name':'Audited'}");
    String firstKey = created.path("api_key").path("key_id").asText();
    assertThat(server.get().admin("PATCH", "/admin/customers/audited", json("{'tier':'growth'}")).status()).isEqualTo(200);
    Answer second = server.get().admin("POST", "/admin/customers/audited/keys", json("{'name':'ci'}"));
    assertThat(second.status()).isEqualTo(201);
    String secondKey = second.json().path("key_id").asText();
    assertThat(server.get().admin("DELETE", "/admin/customers/audited/keys/" + firstKey).status()).isEqualTo(200);

    JsonNode entries = ok(server.get().admin("GET", "/admin/audit?customer_id=audited")).path("entries");
    List<String> actions = StreamSupport.stream(entries.spliterator(), false)
        .map(e -> e.path("action").asText()).toList();
    assertThat(actions).containsExactly("key.revoke", "key.create", "customer.update", "key.create",
        "customer.create");

    long previousId = Long.MAX_VALUE;
    Instant previousAt = Instant.MAX;
    for (JsonNode e : entries) {
      assertThat(e.path("id").isIntegralNumber()).isTrue();
      assertThat(e.path("id").asLong()).isLessThan(previousId);
      Instant at = OffsetDateTime.parse(e.path("at").asText()).toInstant();
      assertThat(at).isBeforeOrEqualTo(previousAt);
      previousId = e.path("id").asLong();
      previousAt = at;
      assertThat(e.path("actor").asText()).isNotBlank();
      assertThat(e.path("customer_id").asText()).isEqualTo("audited");
      assertThat(e.path("changes").isObject()).isTrue();
    }
    assertThat(entries.get(0).path("key_id").asText()).isEqualTo(firstKey);
    assertThat(entries.get(0).path("changes").path("revoked_at").path("before").isNull()).isTrue();
    assertThat(entries.get(0).path("changes").path("revoked_at").path("after").isTextual()).isTrue();
    assertThat(entries.get(1).path("key_id").asText()).isEqualTo(secondKey);
    assertThat(entries.get(1).path("changes").path("name").path("after").asText()).isEqualTo("ci");
    assertThat(entries.get(2).path("key_id").isNull()).isTrue();
    assertThat(entries.get(2).path("changes").path("tier").path("before").asText()).isEqualTo("starter");
    assertThat(entries.get(2).path("changes").path("tier").path("after").asText()).isEqualTo("growth");
    assertThat(entries.get(3).path("key_id").asText()).isEqualTo(firstKey);
    assertThat(entries.get(4).path("key_id").isNull()).isTrue();
    assertThat(entries.get(4).path("changes").path("name").path("after").asText()).isEqualTo("Audited");
    assertThat(entries.get(4).path("changes").path("tier").path("after").asText()).isEqualTo("starter");
    assertThat(entries.get(0).path("actor").asText()).matches("adm_cfg_[0-9a-f]{10}")
        .isEqualTo(entries.get(4).path("actor").asText());
  }

  @Test
  void audit_filteredByCustomer_showsOnlyThatCustomer() {
    createCustomer("{'customer_id':'audit-one'}");
    createCustomer("{'customer_id':'audit-two'}");
    JsonNode entries = ok(server.get().admin("GET", "/admin/audit?customer_id=audit-one")).path("entries");
    assertThat(entries.size()).isEqualTo(2);
    entries.forEach(e -> assertThat(e.path("customer_id").asText()).isEqualTo("audit-one"));
    JsonNode all = ok(server.get().admin("GET", "/admin/audit?limit=500")).path("entries");
    assertThat(StreamSupport.stream(all.spliterator(), false).map(e -> e.path("customer_id").asText()))
        .contains("audit-one", "audit-two");
  }

  @Test
  void audit_pagedByOne_returnsEveryEntryOnce() {
    createCustomer("{'customer_id':'audit-paged'}");
    for (int i = 0; i < 3; i++) {
      assertThat(server.get().admin("PATCH", "/admin/customers/audit-paged", json("{'name':'n" + i + "'}")).status())
          .isEqualTo(200);
    }
    List<Long> expected = StreamSupport.stream(
        ok(server.get().admin("GET", "/admin/audit?customer_id=audit-paged")).path("entries").spliterator(), false)
        .map(e -> e.path("id").asLong()).toList();
    assertThat(expected).hasSize(5);

    List<Long> paged = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = ok(server.get().admin("GET", "/admin/audit?customer_id=audit-paged&limit=1"
          + (cursor == null ? "" : "&cursor=" + cursor)));
      assertThat(page.path("entries").size()).isEqualTo(1);
      paged.add(page.path("entries").get(0).path("id").asLong());
      cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
      assertThat(paged).hasSizeLessThan(10);
    } while (cursor != null);
    assertThat(paged).isEqualTo(expected);
  }

  @Test
  void audit_ofUnknownCustomer_isEmpty() {
    JsonNode page = ok(server.get().admin("GET", "/admin/audit?customer_id=nobody-audited"));
    assertThat(page.path("entries").size()).isZero();
    assertThat(page.path("next_cursor").isNull()).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"limit=0, limit", "limit=501, limit", "cursor=!!!, cursor", "cursor=YWJj, cursor"})
  void audit_withInvalidParameter_returns422(String query, String field) {
    JsonNode p = problem(server.get().admin("GET", "/admin/audit?" + query), 422, "validation_failed");
    assertThat(errorFields(p)).contains(field);
  }

  @Test
  void audit_neverContainsASecret() {
    JsonNode created = createCustomer("{'customer_id':'audit-secret'}");
    String first = created.path("api_key").path("key").asText();
    Answer second = server.get().admin("POST", "/admin/customers/audit-secret/keys", "{}");
    Answer rotated = server.get().admin("POST", "/admin/customers/audit-secret/keys/"
        + created.path("api_key").path("key_id").asText() + "/rotate", "{}");
    List<String> secrets = List.of(first, second.json().path("key").asText(), rotated.json().path("key").asText(),
        RunningTollgate.ADMIN_KEY);
    String audit = ok(server.get().admin("GET", "/admin/audit?limit=500")).toString();
    assertThat(audit).contains("audit-secret");
    for (String s : secrets) {
      assertThat(s).isNotBlank();
      assertThat(audit).doesNotContain(s);
    }
  }

  // ---------------------------------------------------------------- openapi

  @Test
  void openapi_isServedAsYaml() {
    Answer a = server.get().admin("GET", "/admin/openapi.yaml");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).contains("yaml");
    assertThat(a.text()).startsWith("openapi:").contains("/admin/customers");
  }

  @Test
  void audit_changesThatChangeNothing_writeNoEntry() {
    JsonNode created = createCustomer("{'customer_id':'audit-noop','namespaces':['default','staging']}");
    String keyId = created.path("api_key").path("key_id").asText();
    assertThat(server.get().admin("DELETE", "/admin/customers/audit-noop/keys/" + keyId).status()).isEqualTo(200);
    int before = auditOf("audit-noop").size();

    assertThat(server.get().admin("PATCH", "/admin/customers/audit-noop", json("{'tier':'starter'}")).status())
        .isEqualTo(200);
    assertThat(server.get().admin("PATCH", "/admin/customers/audit-noop", "{}").status()).isEqualTo(200);
    assertThat(server.get().admin("POST", "/admin/customers/audit-noop/namespaces", json("{'namespace':'staging'}"))
        .status()).isEqualTo(200);
    assertThat(server.get().admin("DELETE", "/admin/customers/audit-noop/namespaces/never").status()).isEqualTo(200);
    assertThat(server.get().admin("DELETE", "/admin/customers/audit-noop/keys/" + keyId).status()).isEqualTo(200);
    assertThat(auditOf("audit-noop")).hasSize(before);

    assertThat(server.get().admin("DELETE", "/admin/customers/audit-noop").status()).isEqualTo(200);
    assertThat(server.get().admin("DELETE", "/admin/customers/audit-noop").status()).isEqualTo(200);
    JsonNode entries = ok(server.get().admin("GET", "/admin/audit?customer_id=audit-noop")).path("entries");
    assertThat(entries.size()).isEqualTo(before + 1);
    assertThat(entries.get(0).path("action").asText()).isEqualTo("customer.deactivate");
    assertThat(entries.get(0).path("changes").path("status").path("before").asText()).isEqualTo("active");
    assertThat(entries.get(0).path("changes").path("status").path("after").asText()).isEqualTo("deactivated");
  }

  @Test
  void audit_ofEveryKindOfChange_recordsWhatChanged() {
    JsonNode created = createCustomer("{'customer_id':'audit-kinds'}");
    String keyId = created.path("api_key").path("key_id").asText();
    patch("audit-kinds", "{'active':false}");
    patch("audit-kinds", "{'limits':{'quota':{'units':1234.5,'period':'month'},'rate_limit':{'requests':7}}}");
    assertThat(server.get().admin("POST", "/admin/customers/audit-kinds/namespaces", json("{'namespace':'staging'}"))
        .status()).isEqualTo(200);
    assertThat(server.get().admin("DELETE", "/admin/customers/audit-kinds/namespaces/staging").status()).isEqualTo(200);
    Answer rotated = server.get().admin("POST", "/admin/customers/audit-kinds/keys/" + keyId + "/rotate", "{}");
    assertThat(rotated.status()).isEqualTo(201);
    String newKey = rotated.json().path("key_id").asText();

    List<JsonNode> entries = auditOf("audit-kinds");
    List<String> actions = entries.stream().map(e -> e.path("action").asText()).toList();
    assertThat(actions).containsExactly("key.rotate", "key.rotate.retire", "customer.namespace.withdraw",
        "customer.namespace.grant", "customer.update", "customer.update", "key.create", "customer.create");
    assertThat(entries.get(0).path("key_id").asText()).isEqualTo(newKey);
    assertThat(entries.get(0).path("changes").path("replaces").path("after").asText()).isEqualTo(keyId);
    assertThat(entries.get(1).path("key_id").asText()).isEqualTo(keyId);
    assertThat(entries.get(1).path("changes").path("revoked_at").path("after").isTextual()).isTrue();
    assertThat(texts(entries.get(2).path("changes").path("namespaces").path("after"))).containsExactly("default");
    assertThat(texts(entries.get(3).path("changes").path("namespaces").path("after")))
        .containsExactly("default", "staging");
    JsonNode limits = entries.get(4).path("changes").path("limits").path("after");
    assertThat(limits.path("quota").path("units").asDouble()).isEqualTo(1234.5);
    assertThat(limits.path("quota").path("period").asText()).isEqualTo("month");
    assertThat(limits.path("rate_limit").path("requests").asLong()).isEqualTo(7);
    assertThat(entries.get(5).path("changes").path("status").path("before").asText()).isEqualTo("active");
    assertThat(entries.get(5).path("changes").path("status").path("after").asText()).isEqualTo("suspended");
  }

  private static void patch(String id, String body) {
    Answer a = server.get().admin("PATCH", "/admin/customers/" + id, json(body));
    assertThat(a.status()).as("patch %s: %s", body, a.text()).isEqualTo(200);
  }

  private static List<JsonNode> auditOf(String customerId) {
    JsonNode entries = ok(server.get().admin("GET", "/admin/audit?limit=500&customer_id=" + customerId)).path("entries");
    return StreamSupport.stream(entries.spliterator(), false).toList();
  }

  @Test
  void recentRefusals_freshServer_isAnEmptyHour() {
    Answer a = server.get().admin("GET", "/admin/refusals/recent");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().path("window_s").asInt()).isEqualTo(3600);
    assertThat(a.json().path("total").asLong()).isZero();
    assertThat(a.json().path("by_code").isObject()).isTrue();
    assertThat(a.json().path("since").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z");
    assertThat(a.json().path("until").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z");
  }
}
