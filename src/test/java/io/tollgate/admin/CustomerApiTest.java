package io.tollgate.admin;

import static io.tollgate.admin.AdminAnswers.errorFields;
import static io.tollgate.admin.AdminAnswers.json;
import static io.tollgate.admin.AdminAnswers.ok;
import static io.tollgate.admin.AdminAnswers.problem;
import static io.tollgate.admin.AdminAnswers.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /admin/customers} and its namespaces, through real HTTP: every success and every refusal. */
final class CustomerApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RFC3339_UTC = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z";

  @RegisterExtension static final SharedTollgate server = new SharedTollgate();

  private static JsonNode tree(String singleQuoted) {
    try {
      return JSON.readTree(json(singleQuoted));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode create(RunningTollgate t, String singleQuotedBody) {
    Answer a = t.admin("POST", "/admin/customers", json(singleQuotedBody));
    assertThat(a.status()).as("create %s: %s", singleQuotedBody, a.text()).isEqualTo(201);
    return a.json();
  }

  private static JsonNode create(String singleQuotedBody) {
    return create(server.get(), singleQuotedBody);
  }

  private static void assertLimits(JsonNode limits, double units, String period, long requests, long window,
      long burst) {
    assertThat(limits.path("quota").path("units").asDouble()).isEqualTo(units);
    assertThat(limits.path("quota").path("period").asText()).isEqualTo(period);
    assertThat(limits.path("rate_limit").path("requests").asLong()).isEqualTo(requests);
    assertThat(limits.path("rate_limit").path("window_s").asLong()).isEqualTo(window);
    assertThat(limits.path("rate_limit").path("burst").asLong()).isEqualTo(burst);
  }

  private static Instant timestamp(JsonNode node) {
    assertThat(node.asText()).matches(RFC3339_UTC);
    return OffsetDateTime.parse(node.asText()).toInstant();
  }

  private static void assertNotFound(String id) {
    problem(server.get().admin("GET", "/admin/customers/" + id), 404, "customer_not_found");
  }

  // ---------------------------------------------------------------- create

  @Test
  void create_withEveryField_answersEveryField() {
    String metadata = "{'crm_id':42,'vip':true,'ratio':0.25,'contact':null,"
        + "'plan':{'seats':5,'tags':['a','b'],'nested':{'deep':'x'}}}";
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JsonNode c = create("{'customer_id':'acme-corp','name':'Acme Corp','email':'billing@acme.example',"
        + "'tier':'growth','namespaces':['staging','default','analytics'],'metadata':" + metadata + ","
        + "'limits':{'quota':{'units':1234.5,'period':'month'},'rate_limit':{'requests':7,'window_s':60,'burst':9}}}");
    Instant after = Instant.now();

    assertThat(c.path("customer_id").asText()).isEqualTo("acme-corp");
    assertThat(c.path("name").asText()).isEqualTo("Acme Corp");
    assertThat(c.path("email").asText()).isEqualTo("billing@acme.example");
    assertThat(c.path("tier").asText()).isEqualTo("growth");
    assertThat(texts(c.path("namespaces"))).containsExactly("analytics", "default", "staging");
    assertThat(c.path("active").isBoolean()).isTrue();
    assertThat(c.path("active").asBoolean()).isTrue();
    assertThat(c.path("status").asText()).isEqualTo("active");
    assertLimits(c.path("limits"), 1234.5, "month", 7, 60, 9);
    assertThat(c.path("metadata")).isEqualTo(tree(metadata));
    assertThat(c.path("keys").path("total").asInt()).isEqualTo(1);
    assertThat(c.path("keys").path("active").asInt()).isEqualTo(1);
    assertThat(c.path("keys").path("revoked").asInt()).isZero();
    assertThat(c.path("keys").path("expired").asInt()).isZero();
    Instant created = timestamp(c.path("created_at"));
    assertThat(created).isBetween(before, after);
    assertThat(timestamp(c.path("updated_at"))).isEqualTo(created);

    JsonNode key = c.path("api_key");
    assertThat(key.path("key_id").asText()).matches("key_[A-Za-z0-9]{8,}");
    String secret = key.path("key").asText();
    assertThat(secret).matches("tg_live_[A-Za-z0-9]{20,}");
    assertThat(key.path("prefix").asText()).isNotEmpty().startsWith("tg_live_");
    assertThat(secret).startsWith(key.path("prefix").asText());
    assertThat(key.path("prefix").asText().length()).isLessThan(secret.length() - 16);
    assertThat(key.path("status").asText()).isEqualTo("active");
    assertThat(key.path("environment").asText()).isEqualTo("live");
    assertThat(key.path("customer_id").asText()).isEqualTo("acme-corp");
    assertThat(timestamp(key.path("created_at"))).isEqualTo(created);
    assertThat(key.path("revoked_at").isNull()).isTrue();
    assertThat(key.path("expires_at").isNull()).isTrue();
  }

  @Test
  void create_thenGet_answersTheSameDocumentWithoutTheKey() {
    JsonNode created = create("{'customer_id':'roundtrip','name':'Ünïcødé 東京 🚀','tier':'scale',"
        + "'namespaces':['default','eu'],'metadata':{'a':{'b':[1,2,{'c':'d'}]},'n':1.5}}");
    ObjectNode expected = ((ObjectNode) created).deepCopy();
    expected.remove("api_key");
    JsonNode got = ok(server.get().admin("GET", "/admin/customers/roundtrip"));
    assertThat(got).isEqualTo(expected);
    assertThat(got.has("api_key")).isFalse();
  }

  @Test
  void create_withNothing_generatesIdAndUsesDefaults() {
    for (String body : new String[] {null, "{}"}) {
      Answer a = server.get().admin("POST", "/admin/customers", body);
      assertThat(a.status()).as("body %s: %s", body, a.text()).isEqualTo(201);
      JsonNode c = a.json();
      assertThat(c.path("customer_id").asText()).startsWith("cus_").matches("[a-z0-9][a-z0-9_-]{1,62}");
      assertThat(c.path("tier").asText()).isEqualTo("starter");
      assertThat(texts(c.path("namespaces"))).containsExactly("default");
      assertThat(c.path("status").asText()).isEqualTo("active");
      assertThat(c.path("active").asBoolean()).isTrue();
      assertThat(c.path("name").isNull()).isTrue();
      assertThat(c.path("email").isNull()).isTrue();
      assertThat(c.path("metadata")).isEqualTo(JSON.createObjectNode());
      assertLimits(c.path("limits"), 2_000_000, "year", 50, 1, 50);
      assertThat(c.path("api_key").path("key").asText()).startsWith("tg_live_");
      ok(server.get().admin("GET", "/admin/customers/" + c.path("customer_id").asText()));
    }
  }

  @Test
  void create_twice_generatesDifferentIds() {
    String first = create("{}").path("customer_id").asText();
    String second = create("{}").path("customer_id").asText();
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void create_duplicateId_returns409AndKeepsTheFirst() {
    create("{'customer_id':'dup-corp','name':'First'}");
    problem(server.get().admin("POST", "/admin/customers", json("{'customer_id':'dup-corp','name':'Second'}")), 409,
        "customer_exists");
    JsonNode c = ok(server.get().admin("GET", "/admin/customers/dup-corp"));
    assertThat(c.path("name").asText()).isEqualTo("First");
    assertThat(c.path("keys").path("total").asInt()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "{'customer_id':'v-tier','tier':5}                                  | tier",
      "{'customer_id':'v-ns','namespaces':'x'}                            | namespaces",
      "{'customer_id':'v-ns-items','namespaces':['default',1]}            | namespaces",
      "{'customer_id':'v-meta','metadata':[]}                             | metadata",
      "{'customer_id':'v-meta-text','metadata':'x'}                       | metadata",
      "{'customer_id':'v-name','name':5}                                  | name",
      "{'customer_id':'v-email','email':'not-an-email'}                   | email",
      "{'customer_id':'v-unknown','colour':'red'}                         | colour",
      "{'customer_id':'v-active','active':false}                          | active",
      "{'customer_id':'v-limits','limits':'fast'}                         | limits",
      "{'customer_id':'v-l-key','limits':{'speed':1}}                     | limits.speed",
      "{'customer_id':'v-l-units','limits':{'quota':{'units':-1}}}        | limits.quota.units",
      "{'customer_id':'v-l-milli','limits':{'quota':{'units':0.0001}}}    | limits.quota.units",
      "{'customer_id':'v-l-period','limits':{'quota':{'period':'week'}}}  | limits.quota.period",
      "{'customer_id':'v-l-req','limits':{'rate_limit':{'requests':0}}}   | limits.rate_limit.requests",
      "{'customer_id':'v-l-frac','limits':{'rate_limit':{'requests':1.5}}} | limits.rate_limit.requests",
      "{'customer_id':'v-l-win','limits':{'rate_limit':{'window_s':'1'}}} | limits.rate_limit.window_s",
      "{'customer_id':'v-l-huge','limits':{'quota':{'units':1e30}}}      | limits.quota.units",
      "{'customer_id':'v-l-burst','limits':{'rate_limit':{'burst':1e30}}} | limits.rate_limit.burst",
      "{'customer_id':7}                                                  | customer_id",
  })
  void create_withInvalidField_returns422NamingTheFieldAndCreatesNothing(String body, String field) {
    JsonNode p = problem(server.get().admin("POST", "/admin/customers", json(body)), 422, "validation_failed");
    assertThat(errorFields(p)).contains(field);
    JsonNode id = tree(body).path("customer_id");
    if (id.isTextual()) {
      assertNotFound(id.asText());
    }
  }

  @Test
  void create_withSeveralInvalidFields_reportsEveryOne() {
    JsonNode p = problem(server.get().admin("POST", "/admin/customers",
        json("{'customer_id':'v-many','tier':5,'namespaces':'x','metadata':[]}")), 422, "validation_failed");
    assertThat(errorFields(p)).contains("tier", "namespaces", "metadata");
    assertNotFound("v-many");
  }

  @Test
  void create_withBodyNotAnObject_returns422() {
    problem(server.get().admin("POST", "/admin/customers", "[]"), 422, "validation_failed");
    problem(server.get().admin("POST", "/admin/customers", "\"acme\""), 422, "validation_failed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bad Id", "a", "-dash-first", "UPPER", "with.dot", "ünïcode"})
  void create_withInvalidCustomerId_returns422InvalidCustomerId(String id) {
    ObjectNode body = JSON.createObjectNode().put("customer_id", id);
    problem(server.get().admin("POST", "/admin/customers", body.toString()), 422, "invalid_customer_id");
  }

  @Test
  void create_withLongestValidId_isAccepted() {
    String id = "a" + "b".repeat(62);
    assertThat(create("{'customer_id':'" + id + "'}").path("customer_id").asText()).isEqualTo(id);
  }

  @Test
  void create_withIdOf64Characters_returns422() {
    String id = "a".repeat(64);
    Answer a = server.get().admin("POST", "/admin/customers", json("{'customer_id':'" + id + "'}"));
    assertThat(a.status()).as(a.text()).isEqualTo(422);
    assertThat(a.json().path("code").asText()).isIn("invalid_customer_id", "validation_failed");
    assertNotFound(id);
  }

  @Test
  void create_withMetadataNestedTooDeep_returns400MalformedJson() {
    String nested = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
    problem(server.get().admin("POST", "/admin/customers", "{\"customer_id\":\"too-deep\",\"metadata\":" + nested + "}"),
        400, "malformed_json");
    assertNotFound("too-deep");
  }

  @Test
  void create_concurrentlyWithOneId_createsItOnceAndRefusesTheRest() throws Exception {
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        String body = json("{'customer_id':'race-corp','name':'caller " + i + "'}");
        answers.add(pool.submit(() -> {
          go.await();
          return server.get().admin("POST", "/admin/customers", body);
        }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Answer> f : answers) {
        Answer a = f.get(30, TimeUnit.SECONDS);
        statuses.add(a.status());
        if (a.status() == 409) {
          assertThat(a.json().path("code").asText()).isEqualTo("customer_exists");
        }
      }
      assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
    } finally {
      pool.shutdownNow();
    }
    JsonNode c = ok(server.get().admin("GET", "/admin/customers/race-corp"));
    assertThat(c.path("keys").path("total").asInt()).isEqualTo(1);
  }

  @Test
  void create_withUnknownTier_returns422UnknownTier() {
    problem(server.get().admin("POST", "/admin/customers", json("{'customer_id':'gold-digger','tier':'gold'}")), 422,
        "unknown_tier");
    assertNotFound("gold-digger");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bad NS", "", "UPPER", "-x", "a/b"})
  void create_withInvalidNamespace_returns422InvalidNamespace(String ns) {
    ObjectNode body = JSON.createObjectNode().put("customer_id", "bad-ns-corp");
    body.putArray("namespaces").add("default").add(ns);
    problem(server.get().admin("POST", "/admin/customers", body.toString()), 422, "invalid_namespace");
    assertNotFound("bad-ns-corp");
  }

  @Test
  void create_withMalformedJson_returns400MalformedJson() {
    problem(server.get().admin("POST", "/admin/customers", "{\"customer_id\":"), 400, "malformed_json");
    problem(server.get().admin("POST", "/admin/customers", "{\"customer_id\":\"x1\"} trailing"), 400, "malformed_json");
  }

  @Test
  void create_withDuplicateJsonKey_returns400MalformedJson() {
    problem(server.get().admin("POST", "/admin/customers", json("{'customer_id':'twice-a','customer_id':'twice-b'}")),
        400, "malformed_json");
    assertNotFound("twice-a");
    assertNotFound("twice-b");
  }

  @Test
  void create_withBodyOver64KiB_returns413PayloadTooLarge() {
    String body = json("{'customer_id':'too-big','metadata':{'blob':'" + "x".repeat(70_000) + "'}}");
    problem(server.get().admin("POST", "/admin/customers", body), 413, "payload_too_large");
    assertNotFound("too-big");
  }

  @Test
  void create_withChunkedBodyOver64KiB_returns413PayloadTooLarge() throws Exception {
    byte[] body = json("{'customer_id':'too-big-chunked','metadata':{'blob':'" + "x".repeat(70_000) + "'}}")
        .getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(server.get().adminUri("/admin/customers"))
        .header("Authorization", "Bearer " + RunningTollgate.ADMIN_KEY)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
        .build();
    HttpResponse<String> response;
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(JSON.readTree(response.body()).path("code").asText()).isEqualTo("payload_too_large");
    assertNotFound("too-big-chunked");
  }

  // ---------------------------------------------------------------- list

  @Test
  void list_byTier_returnsOnlyCustomersOfThatTier(@TempDir Path dir) {
    try (RunningTollgate t = RunningTollgate.start(dir)) {
      create(t, "{'customer_id':'a-starter'}");
      create(t, "{'customer_id':'b-growth','tier':'growth'}");
      create(t, "{'customer_id':'c-scale','tier':'scale'}");
      create(t, "{'customer_id':'d-growth','tier':'growth'}");

      JsonNode page = ok(t.admin("GET", "/admin/customers?tier=growth"));
      assertThat(ids(page)).containsExactly("b-growth", "d-growth");
      assertThat(page.path("next_cursor").isNull()).isTrue();
      page.path("customers").forEach(c -> assertThat(c.path("tier").asText()).isEqualTo("growth"));
      assertThat(ids(ok(t.admin("GET", "/admin/customers?tier=enterprise")))).isEmpty();
      assertThat(ids(ok(t.admin("GET", "/admin/customers?tier=no-such-tier")))).isEmpty();
    }
  }

  @Test
  void list_byStatus_returnsOnlyCustomersInThatStatus(@TempDir Path dir) {
    try (RunningTollgate t = RunningTollgate.start(dir)) {
      create(t, "{'customer_id':'s-active'}");
      create(t, "{'customer_id':'s-suspended','tier':'growth'}");
      create(t, "{'customer_id':'s-gone'}");
      ok(t.admin("PATCH", "/admin/customers/s-suspended", json("{'active':false}")));
      ok(t.admin("DELETE", "/admin/customers/s-gone"));

      assertThat(ids(ok(t.admin("GET", "/admin/customers?status=active")))).containsExactly("s-active");
      assertThat(ids(ok(t.admin("GET", "/admin/customers?status=suspended")))).containsExactly("s-suspended");
      assertThat(ids(ok(t.admin("GET", "/admin/customers?status=deactivated")))).containsExactly("s-gone");
      assertThat(ids(ok(t.admin("GET", "/admin/customers?status=suspended&tier=growth"))))
          .containsExactly("s-suspended");
      assertThat(ids(ok(t.admin("GET", "/admin/customers?status=suspended&tier=starter")))).isEmpty();
      assertThat(ids(ok(t.admin("GET", "/admin/customers")))).containsExactly("s-active", "s-gone", "s-suspended");
    }
  }

  @Test
  void list_pagedByTwo_returnsEveryCustomerOnceInIdOrder(@TempDir Path dir) {
    try (RunningTollgate t = RunningTollgate.start(dir)) {
      for (String id : List.of("c-3", "a-1", "e-5", "b-2", "d-4")) {
        create(t, "{'customer_id':'" + id + "'}");
      }
      List<String> seen = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      String cursor = null;
      do {
        JsonNode page = ok(t.admin("GET", "/admin/customers?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)));
        sizes.add(page.path("customers").size());
        seen.addAll(ids(page));
        cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
        assertThat(sizes).as("pages so far").hasSizeLessThan(10);
      } while (cursor != null);
      assertThat(seen).containsExactly("a-1", "b-2", "c-3", "d-4", "e-5");
      assertThat(sizes).containsExactly(2, 2, 1);
    }
  }

  @Test
  void list_withLimitEqualToCount_hasNoNextCursor(@TempDir Path dir) {
    try (RunningTollgate t = RunningTollgate.start(dir)) {
      for (String id : List.of("p-1", "p-2", "p-3")) {
        create(t, "{'customer_id':'" + id + "'}");
      }
      JsonNode page = ok(t.admin("GET", "/admin/customers?limit=3"));
      assertThat(ids(page)).containsExactly("p-1", "p-2", "p-3");
      assertThat(page.path("next_cursor").isNull()).isTrue();
      JsonNode customer = page.path("customers").get(0);
      assertLimits(customer.path("limits"), 2_000_000, "year", 50, 1, 50);
      assertThat(customer.path("status").asText()).isEqualTo("active");
    }
  }

  @Test
  void list_search_matchesIdNameOrEmailIgnoringCaseWithFiltersAndPaging(@TempDir Path dir) {
    try (RunningTollgate t = RunningTollgate.start(dir)) {
      create(t, "{'customer_id':'acme-1','name':'Acme Rockets','tier':'growth'}");
      create(t, "{'customer_id':'beta','name':'Beta','email':'ops@ACME.example'}");
      create(t, "{'customer_id':'gamma','name':'Gamma','email':'g@gamma.example','tier':'growth'}");
      create(t, "{'customer_id':'zz-acme','tier':'growth'}");
      create(t, "{'customer_id':'pct','name':'100% off'}");

      assertThat(ids(ok(t.admin("GET", "/admin/customers?search=aCmE")))).containsExactly("acme-1", "beta", "zz-acme");
      assertThat(ids(ok(t.admin("GET", "/admin/customers?search=acme&tier=growth"))))
          .containsExactly("acme-1", "zz-acme");
      assertThat(ids(ok(t.admin("GET", "/admin/customers?search=acme&status=suspended")))).isEmpty();
      assertThat(ids(ok(t.admin("GET", "/admin/customers?search=" + encode("0% o"))))).containsExactly("pct");
      assertThat(ids(ok(t.admin("GET", "/admin/customers?search=" + encode("%"))))).containsExactly("pct");
      assertThat(ids(ok(t.admin("GET", "/admin/customers?search=_")))).isEmpty();

      JsonNode first = ok(t.admin("GET", "/admin/customers?search=acme&limit=2"));
      assertThat(ids(first)).containsExactly("acme-1", "beta");
      String cursor = first.path("next_cursor").asText();
      JsonNode second = ok(t.admin("GET", "/admin/customers?search=acme&limit=2&cursor=" + cursor));
      assertThat(ids(second)).containsExactly("zz-acme");
      assertThat(second.path("next_cursor").isNull()).isTrue();
    }
  }

  @Test
  void list_searchOf200Characters_isAcceptedAnd201IsNot() {
    assertThat(ids(ok(server.get().admin("GET", "/admin/customers?search=" + "q".repeat(200))))).isEmpty();
    JsonNode p = problem(server.get().admin("GET", "/admin/customers?search=" + "q".repeat(201)), 422,
        "validation_failed");
    assertThat(errorFields(p)).containsExactly("search");
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "search=, search",
      "limit=0, limit",
      "limit=501, limit",
      "limit=abc, limit",
      "limit=-1, limit",
      "status=bogus, status",
      "cursor=!!!, cursor",
  })
  void list_withInvalidParameter_returns422NamingIt(String query, String field) {
    JsonNode p = problem(server.get().admin("GET", "/admin/customers?" + query), 422, "validation_failed");
    assertThat(errorFields(p)).contains(field);
  }

  @Test
  void list_withLimit500_isAccepted() {
    assertThat(ok(server.get().admin("GET", "/admin/customers?limit=500")).path("customers").isArray()).isTrue();
  }

  private static List<String> ids(JsonNode page) {
    return StreamSupport.stream(page.path("customers").spliterator(), false)
        .map(c -> c.path("customer_id").asText()).toList();
  }

  // ---------------------------------------------------------------- get

  @Test
  void get_existing_includesEffectiveLimitsAndKeyCounts() {
    String keyId = create("{'customer_id':'counted','tier':'enterprise'}").path("api_key").path("key_id").asText();
    Answer second = server.get().admin("POST", "/admin/customers/counted/keys", "{}");
    assertThat(second.status()).isEqualTo(201);
    ok(server.get().admin("DELETE", "/admin/customers/counted/keys/" + keyId));

    JsonNode c = ok(server.get().admin("GET", "/admin/customers/counted"));
    assertLimits(c.path("limits"), 80_000_000, "year", 500, 1, 500);
    assertThat(c.path("keys").path("total").asInt()).isEqualTo(2);
    assertThat(c.path("keys").path("active").asInt()).isEqualTo(1);
    assertThat(c.path("keys").path("revoked").asInt()).isEqualTo(1);
    assertThat(c.path("keys").path("expired").asInt()).isZero();
  }

  @Test
  void get_unknown_returns404CustomerNotFound() {
    assertNotFound("nobody-here");
  }

  @Test
  void changes_onUnknownCustomer_return404CustomerNotFound() {
    problem(server.get().admin("PATCH", "/admin/customers/nobody-here", json("{'name':'x'}")), 404, "customer_not_found");
    problem(server.get().admin("DELETE", "/admin/customers/nobody-here"), 404, "customer_not_found");
    problem(server.get().admin("POST", "/admin/customers/nobody-here/namespaces", json("{'namespace':'staging'}")), 404,
        "customer_not_found");
    problem(server.get().admin("DELETE", "/admin/customers/nobody-here/namespaces/default"), 404, "customer_not_found");
    assertNotFound("nobody-here");
  }

  // ---------------------------------------------------------------- patch

  @Test
  void patch_fields_changesThemAndKeepsTheRest() {
    JsonNode before = create("{'customer_id':'patchy','name':'Old','email':'old@patchy.example',"
        + "'namespaces':['default'],'metadata':{'old':1}}");
    JsonNode after = ok(server.get().admin("PATCH", "/admin/customers/patchy", json("{'name':'New Name',"
        + "'email':'new@patchy.example','namespaces':['zeta','default','alpha','alpha'],"
        + "'metadata':{'crm':{'id':'c-9','tags':['x']}}}")));

    assertThat(after.path("name").asText()).isEqualTo("New Name");
    assertThat(after.path("email").asText()).isEqualTo("new@patchy.example");
    assertThat(texts(after.path("namespaces"))).containsExactly("alpha", "default", "zeta");
    assertThat(after.path("metadata")).isEqualTo(tree("{'crm':{'id':'c-9','tags':['x']}}"));
    assertThat(after.path("tier").asText()).isEqualTo("starter");
    assertThat(after.path("status").asText()).isEqualTo("active");
    assertThat(after.path("created_at")).isEqualTo(before.path("created_at"));
    assertThat(timestamp(after.path("updated_at"))).isAfterOrEqualTo(timestamp(before.path("updated_at")));
    assertThat(ok(server.get().admin("GET", "/admin/customers/patchy"))).isEqualTo(after);
  }

  @Test
  void patch_nullNameAndEmail_clearsThem() {
    create("{'customer_id':'clearme','name':'Named','email':'a@clearme.example'}");
    JsonNode after = ok(server.get().admin("PATCH", "/admin/customers/clearme", json("{'name':null,'email':null}")));
    assertThat(after.path("name").isNull()).isTrue();
    assertThat(after.path("email").isNull()).isTrue();
    ok(server.get().admin("PATCH", "/admin/customers/clearme", json("{'name':'Again'}")));
    assertThat(ok(server.get().admin("PATCH", "/admin/customers/clearme", json("{'name':''}"))).path("name").isNull())
        .isTrue();
  }

  @Test
  void patch_limitOverrides_showInEffectiveLimits() {
    create("{'customer_id':'overridden'}");
    JsonNode c = ok(server.get().admin("PATCH", "/admin/customers/overridden",
        json("{'limits':{'quota':{'units':1234.5,'period':'month'},'rate_limit':{'requests':7}}}")));
    assertLimits(c.path("limits"), 1234.5, "month", 7, 1, 7);
    assertLimits(ok(server.get().admin("GET", "/admin/customers/overridden")).path("limits"), 1234.5, "month", 7, 1, 7);
  }

  @Test
  void patch_limitsNull_clearsOverrides() {
    create("{'customer_id':'unlimited-again','tier':'growth',"
        + "'limits':{'quota':{'units':5,'period':'month'},'rate_limit':{'requests':3,'window_s':60,'burst':4}}}");
    JsonNode c = ok(server.get().admin("PATCH", "/admin/customers/unlimited-again", json("{'limits':null}")));
    assertLimits(c.path("limits"), 10_000_000, "year", 100, 1, 100);
  }

  @Test
  void patch_activeFalseThenTrue_suspendsThenEnables() {
    create("{'customer_id':'on-off'}");
    JsonNode suspended = ok(server.get().admin("PATCH", "/admin/customers/on-off", json("{'active':false}")));
    assertThat(suspended.path("status").asText()).isEqualTo("suspended");
    assertThat(suspended.path("active").asBoolean()).isFalse();
    assertThat(ok(server.get().admin("GET", "/admin/customers/on-off")).path("status").asText()).isEqualTo("suspended");

    JsonNode enabled = ok(server.get().admin("PATCH", "/admin/customers/on-off", json("{'active':true}")));
    assertThat(enabled.path("status").asText()).isEqualTo("active");
    assertThat(enabled.path("active").asBoolean()).isTrue();
  }

  @Test
  void patch_tier_changesLimitsAndKeepsEverythingElse() {
    create("{'customer_id':'upgrader','name':'Up','email':'up@grader.example','namespaces':['default','eu'],"
        + "'metadata':{'k':'v'}}");
    assertThat(server.get().admin("POST", "/admin/customers/upgrader/keys", json("{'name':'second'}")).status())
        .isEqualTo(201);
    JsonNode before = ok(server.get().admin("GET", "/admin/customers/upgrader"));
    String keysBefore = ok(server.get().admin("GET", "/admin/customers/upgrader/keys")).toString();

    JsonNode after = ok(server.get().admin("PATCH", "/admin/customers/upgrader", json("{'tier':'scale'}")));
    assertThat(after.path("tier").asText()).isEqualTo("scale");
    assertLimits(after.path("limits"), 30_000_000, "year", 200, 1, 200);
    ObjectNode restBefore = ((ObjectNode) before).deepCopy();
    ObjectNode restAfter = ((ObjectNode) after).deepCopy();
    for (String changed : List.of("tier", "limits", "updated_at")) {
      restBefore.remove(changed);
      restAfter.remove(changed);
    }
    assertThat(restAfter).isEqualTo(restBefore);
    assertThat(ok(server.get().admin("GET", "/admin/customers/upgrader/keys")).toString()).isEqualTo(keysBefore);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "{'active':'yes'}          | active",
      "{'active':null}           | active",
      "{'tier':5}                | tier",
      "{'tier':null}             | tier",
      "{'namespaces':'x'}        | namespaces",
      "{'namespaces':null}       | namespaces",
      "{'metadata':[]}           | metadata",
      "{'name':5}                | name",
      "{'email':'nope'}          | email",
      "{'email':''}              | email",
      "{'customer_id':'renamed'} | customer_id",
      "{'colour':'red'}          | colour",
      "{'limits':{'quota':{'units':'many'}}} | limits.quota.units",
  })
  void patch_withInvalidField_returns422AndChangesNothing(String body, String field) {
    String id = "patch-refused";
    ensureCustomer(id);
    String before = ok(server.get().admin("GET", "/admin/customers/" + id)).toString();
    JsonNode p = problem(server.get().admin("PATCH", "/admin/customers/" + id, json(body)), 422, "validation_failed");
    assertThat(errorFields(p)).contains(field);
    assertThat(ok(server.get().admin("GET", "/admin/customers/" + id)).toString()).isEqualTo(before);
  }

  @Test
  void patch_withUnknownTierOrInvalidNamespace_returns422AndChangesNothing() {
    create("{'customer_id':'patch-rules'}");
    String before = ok(server.get().admin("GET", "/admin/customers/patch-rules")).toString();
    problem(server.get().admin("PATCH", "/admin/customers/patch-rules", json("{'tier':'gold'}")), 422, "unknown_tier");
    problem(server.get().admin("PATCH", "/admin/customers/patch-rules", json("{'namespaces':['Bad NS']}")), 422,
        "invalid_namespace");
    problem(server.get().admin("PATCH", "/admin/customers/patch-rules", "{\"tier\":"), 400, "malformed_json");
    assertThat(ok(server.get().admin("GET", "/admin/customers/patch-rules")).toString()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- deactivate

  @Test
  void delete_deactivates_andRepeatingAnswersTheSame() {
    create("{'customer_id':'leaving'}");
    JsonNode first = ok(server.get().admin("DELETE", "/admin/customers/leaving"));
    assertThat(first.path("status").asText()).isEqualTo("deactivated");
    assertThat(first.path("active").asBoolean()).isFalse();

    JsonNode second = ok(server.get().admin("DELETE", "/admin/customers/leaving"));
    assertThat(second.path("status").asText()).isEqualTo("deactivated");
    assertThat(second.path("active").asBoolean()).isFalse();
    assertThat(second.path("updated_at")).isEqualTo(first.path("updated_at"));

    JsonNode kept = ok(server.get().admin("GET", "/admin/customers/leaving"));
    assertThat(kept.path("status").asText()).isEqualTo("deactivated");
  }

  @Test
  void changes_afterDeactivation_return409CustomerDeactivated() {
    create("{'customer_id':'deactivated-corp'}");
    ok(server.get().admin("DELETE", "/admin/customers/deactivated-corp"));

    problem(server.get().admin("PATCH", "/admin/customers/deactivated-corp", json("{'name':'back'}")), 409,
        "customer_deactivated");
    problem(server.get().admin("PATCH", "/admin/customers/deactivated-corp", json("{'active':true}")), 409,
        "customer_deactivated");
    problem(server.get().admin("POST", "/admin/customers/deactivated-corp/keys", "{}"), 409, "customer_deactivated");
    problem(server.get().admin("POST", "/admin/customers/deactivated-corp/namespaces", json("{'namespace':'staging'}")),
        409, "customer_deactivated");
    JsonNode c = ok(server.get().admin("GET", "/admin/customers/deactivated-corp"));
    assertThat(c.path("status").asText()).isEqualTo("deactivated");
    assertThat(c.path("name").isNull()).isTrue();
    assertThat(c.path("keys").path("total").asInt()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- namespaces

  @Test
  void grantNamespace_twice_isIdempotent() {
    create("{'customer_id':'granted'}");
    String grant = json("{'namespace':'staging'}");
    JsonNode first = ok(server.get().admin("POST", "/admin/customers/granted/namespaces", grant));
    assertThat(texts(first.path("namespaces"))).containsExactly("default", "staging");
    JsonNode second = ok(server.get().admin("POST", "/admin/customers/granted/namespaces", grant));
    assertThat(texts(second.path("namespaces"))).containsExactly("default", "staging");
    assertThat(second).isEqualTo(first);
  }

  @Test
  void withdrawNamespace_removesIt() {
    create("{'customer_id':'withdrawn','namespaces':['default','staging']}");
    JsonNode c = ok(server.get().admin("DELETE", "/admin/customers/withdrawn/namespaces/staging"));
    assertThat(texts(c.path("namespaces"))).containsExactly("default");
    assertThat(texts(ok(server.get().admin("GET", "/admin/customers/withdrawn")).path("namespaces")))
        .containsExactly("default");
  }

  @Test
  void withdrawNamespace_notGranted_changesNothing() {
    create("{'customer_id':'withdraw-none'}");
    JsonNode c = ok(server.get().admin("DELETE", "/admin/customers/withdraw-none/namespaces/staging"));
    assertThat(texts(c.path("namespaces"))).containsExactly("default");
  }

  /**
   * A name that can never be a namespace (another case, a space a script left on it) is a mistake,
   * not "a namespace the customer does not have": answering {@code 200} unchanged let an operator believe the
   * namespace withdrawn while the customer's keys kept using it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"STAGING", "Staging", "staging%20", "%20staging", "-staging", "st%2Aging"})
  void withdrawNamespace_invalidName_returns422InvalidNamespaceAndChangesNothing(String ns) {
    ensureCustomer("withdraw-bad");
    ok(server.get().admin("POST", "/admin/customers/withdraw-bad/namespaces", json("{'namespace':'staging'}")));
    long auditBefore = ok(server.get().admin("GET", "/admin/audit?customer_id=withdraw-bad")).path("entries").size();
    problem(server.get().admin("DELETE", "/admin/customers/withdraw-bad/namespaces/" + ns), 422,
        "invalid_namespace");
    assertThat(texts(ok(server.get().admin("GET", "/admin/customers/withdraw-bad")).path("namespaces")))
        .containsExactly("default", "staging");
    assertThat(ok(server.get().admin("GET", "/admin/audit?customer_id=withdraw-bad")).path("entries").size())
        .isEqualTo(auditBefore);
  }

  @Test
  void grantNamespace_invalidName_returns422InvalidNamespace() {
    create("{'customer_id':'grant-bad'}");
    problem(server.get().admin("POST", "/admin/customers/grant-bad/namespaces", json("{'namespace':'Bad NS'}")), 422,
        "invalid_namespace");
    assertThat(texts(ok(server.get().admin("GET", "/admin/customers/grant-bad")).path("namespaces")))
        .containsExactly("default");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"namespace\":null}", "{\"namespace\":5}", "{\"namespace\":\"x\",\"other\":1}"})
  void grantNamespace_withoutValidNamespaceField_returns422ValidationFailed(String body) {
    ensureCustomer("grant-invalid");
    JsonNode p = problem(server.get().admin("POST", "/admin/customers/grant-invalid/namespaces", body), 422,
        "validation_failed");
    assertThat(errorFields(p)).containsAnyOf("namespace", "other");
    assertThat(texts(ok(server.get().admin("GET", "/admin/customers/grant-invalid")).path("namespaces")))
        .containsExactly("default");
  }

  private static void ensureCustomer(String id) {
    if (server.get().admin("GET", "/admin/customers/" + id).status() == 404) {
      create("{'customer_id':'" + id + "','name':'Kept'}");
    }
  }
}
