package io.tollgate.admin;

import static io.tollgate.admin.AdminAnswers.errorFields;
import static io.tollgate.admin.AdminAnswers.json;
import static io.tollgate.admin.AdminAnswers.ok;
import static io.tollgate.admin.AdminAnswers.problem;
import static io.tollgate.admin.AdminAnswers.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /admin/customers/{id}/keys}: create, list, get, revoke and rotate through real HTTP. */
final class KeyApiTest {
  @RegisterExtension static final SharedTollgate server = new SharedTollgate();

  /** Creates a customer with {@code namespaces} and answers its first key (with the secret). */
  private static JsonNode customerWithFirstKey(String id, String... namespaces) {
    StringBuilder ns = new StringBuilder();
    for (String n : namespaces) {
      ns.append(ns.isEmpty() ? "" : ",").append('\'').append(n).append('\'');
    }
    Answer a = server.get().admin("POST", "/admin/customers",
        json("{'customer_id':'" + id + "'" + (namespaces.length == 0 ? "" : ",'namespaces':[" + ns + "]") + "}"));
    assertThat(a.status()).as("create customer: %s", a.text()).isEqualTo(201);
    return a.json().path("api_key");
  }

  private static String keysPath(String customer) {
    return "/admin/customers/" + customer + "/keys";
  }

  private static String keyPath(String customer, String keyId) {
    return keysPath(customer) + "/" + keyId;
  }

  private static JsonNode created(Answer a) {
    assertThat(a.status()).as("answer %s", a.text()).isEqualTo(201);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    return a.json();
  }

  private static Instant instant(JsonNode node) {
    assertThat(node.isTextual()).as("timestamp: %s", node).isTrue();
    return OffsetDateTime.parse(node.asText()).toInstant();
  }

  private static JsonNode key(String customer, String keyId) {
    return ok(server.get().admin("GET", keyPath(customer, keyId)));
  }

  private static JsonNode keys(String customer) {
    return ok(server.get().admin("GET", keysPath(customer))).path("keys");
  }

  /** The key document as a later answer must show it: the creation answer without its secret. */
  private static ObjectNode withoutSecret(JsonNode issued) {
    ObjectNode copy = ((ObjectNode) issued).deepCopy();
    copy.remove("key");
    return copy;
  }

  // ---------------------------------------------------------------- create

  @Test
  void create_withEveryField_returns201WithTestSecret() {
    String firstId = customerWithFirstKey("kc-full", "default", "staging", "eu").path("key_id").asText();
    Instant expires = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JsonNode k = created(server.get().admin("POST", keysPath("kc-full"), json("{'name':'ci','environment':'test',"
        + "'namespaces':['staging','default'],'expires_at':'" + expires + "'}")));
    Instant after = Instant.now();

    assertThat(k.path("key_id").asText()).matches("key_[A-Za-z0-9]{8,}").isNotEqualTo(firstId);
    assertThat(k.path("key").asText()).matches("tg_test_[A-Za-z0-9]{20,}");
    assertThat(k.path("prefix").asText()).startsWith("tg_test_");
    assertThat(k.path("key").asText()).startsWith(k.path("prefix").asText());
    assertThat(k.path("customer_id").asText()).isEqualTo("kc-full");
    assertThat(k.path("name").asText()).isEqualTo("ci");
    assertThat(k.path("environment").asText()).isEqualTo("test");
    assertThat(texts(k.path("namespaces"))).containsExactly("default", "staging");
    assertThat(k.path("status").asText()).isEqualTo("active");
    assertThat(instant(k.path("expires_at"))).isEqualTo(expires);
    assertThat(instant(k.path("created_at"))).isBetween(before, after);
    assertThat(k.path("revoked_at").isNull()).isTrue();
    assertThat(k.path("replaces").isNull()).isTrue();
  }

  @Test
  void create_withEmptyBody_returnsUnscopedLiveKey() {
    customerWithFirstKey("kc-empty");
    JsonNode k = created(server.get().admin("POST", keysPath("kc-empty"), null));
    assertThat(k.path("key").asText()).startsWith("tg_live_");
    assertThat(k.path("environment").asText()).isEqualTo("live");
    assertThat(k.path("namespaces").size()).isZero();
    assertThat(k.path("expires_at").isNull()).isTrue();
    assertThat(k.path("status").asText()).isEqualTo("active");
    assertThat(keys("kc-empty")).hasSize(2);
  }

  @Test
  void create_twice_givesDifferentIdsAndSecrets() {
    customerWithFirstKey("kc-twice");
    JsonNode a = created(server.get().admin("POST", keysPath("kc-twice"), "{}"));
    JsonNode b = created(server.get().admin("POST", keysPath("kc-twice"), "{}"));
    assertThat(a.path("key_id").asText()).isNotEqualTo(b.path("key_id").asText());
    assertThat(a.path("key").asText()).isNotEqualTo(b.path("key").asText());
  }

  @Test
  void secret_afterCreation_neverAppearsInAnyLaterAnswer() {
    JsonNode first = customerWithFirstKey("kc-secret", "default", "staging");
    JsonNode second = created(server.get().admin("POST", keysPath("kc-secret"),
        json("{'name':'ci','environment':'test','namespaces':['staging']}")));
    JsonNode rotated = created(server.get().admin("POST", keyPath("kc-secret", second.path("key_id").asText()) + "/rotate",
        json("{'grace_period_s':60}")));
    List<JsonNode> issued = List.of(first, second, rotated);

    List<Answer> later = new ArrayList<>();
    for (JsonNode k : issued) {
      later.add(server.get().admin("GET", keyPath("kc-secret", k.path("key_id").asText())));
    }
    later.add(server.get().admin("GET", keysPath("kc-secret")));
    later.add(server.get().admin("GET", "/admin/customers/kc-secret"));
    later.add(server.get().admin("GET", "/admin/customers?limit=500"));
    later.add(server.get().admin("GET", "/admin/audit?customer_id=kc-secret&limit=500"));
    later.add(server.get().admin("GET", "/admin/audit?limit=500"));
    later.add(server.get().admin("GET", "/admin/customers/kc-secret/usage"));
    later.add(server.get().admin("PATCH", "/admin/customers/kc-secret", json("{'tier':'growth'}")));
    later.add(server.get().admin("DELETE", keyPath("kc-secret", first.path("key_id").asText())));

    for (Answer a : later) {
      assertThat(a.status()).as("answer %s", a.text()).isEqualTo(200);
      for (JsonNode k : issued) {
        String secret = k.path("key").asText();
        String afterPrefix = secret.substring(k.path("prefix").asText().length());
        assertThat(secret).hasSizeGreaterThan(20);
        assertThat(afterPrefix).hasSizeGreaterThanOrEqualTo(16);
        assertThat(a.text()).doesNotContain(secret).doesNotContain(afterPrefix);
      }
    }
    for (JsonNode k : issued) {
      JsonNode shown = key("kc-secret", k.path("key_id").asText());
      assertThat(shown.has("key")).isFalse();
    }
    keys("kc-secret").forEach(k -> assertThat(k.has("key")).isFalse());
  }

  @Test
  void create_withNamespaceNotGranted_returns422AndCreatesNothing() {
    customerWithFirstKey("kc-scope", "default", "staging");
    problem(server.get().admin("POST", keysPath("kc-scope"), json("{'namespaces':['default','prod']}")), 422,
        "namespace_not_granted");
    assertThat(keys("kc-scope")).hasSize(1);
  }

  @Test
  void create_withInvalidNamespaceName_returns422InvalidNamespace() {
    customerWithFirstKey("kc-badns");
    problem(server.get().admin("POST", keysPath("kc-badns"), json("{'namespaces':['Bad NS']}")), 422,
        "invalid_namespace");
    assertThat(keys("kc-badns")).hasSize(1);
  }

  @Test
  void create_withPastExpiry_returns422InvalidExpiry() {
    customerWithFirstKey("kc-past");
    String past = Instant.now().minus(Duration.ofMinutes(5)).toString();
    problem(server.get().admin("POST", keysPath("kc-past"), json("{'expires_at':'" + past + "'}")), 422,
        "invalid_expiry");
    assertThat(keys("kc-past")).hasSize(1);
  }

  @Test
  void create_withExpiryAtTheEndOfYear9999_returns201() {
    customerWithFirstKey("kc-far");
    JsonNode k = created(server.get().admin("POST", keysPath("kc-far"),
        json("{'expires_at':'9999-12-31T23:59:59Z'}")));
    assertThat(k.path("expires_at").asText()).startsWith("9999-12-31T23:59:59");
    assertThat(keys("kc-far")).hasSize(2);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "{'environment':'prod'}          | environment",
      "{'environment':5}               | environment",
      "{'expires_at':'tomorrow'}       | expires_at",
      "{'expires_at':1767225600}       | expires_at",
      "{'name':5}                      | name",
      "{'namespaces':'default'}        | namespaces",
      "{'secret':'mine'}               | secret",
      "{'key':'tg_live_chosen'}        | key",
      "{'expires_at':'2099-01-01T00:00:00'} | expires_at",
      "{'expires_at':'+999999999-12-31T23:59:59Z'} | expires_at",
      "{'expires_at':'10000-01-01T00:00:00Z'}      | expires_at",
      "{'expires_at':'9999-12-31T23:59:59-01:00'} | expires_at",
      "{'name':'%s'}                    | name",
  })
  void create_withInvalidField_returns422NamingIt(String body, String field) {
    String customer = "kc-invalid";
    if (server.get().admin("GET", "/admin/customers/" + customer).status() == 404) {
      customerWithFirstKey(customer);
    }
    String text = json(body).replace("%s", "n".repeat(201));
    JsonNode p = problem(server.get().admin("POST", keysPath(customer), text), 422, "validation_failed");
    assertThat(errorFields(p)).contains(field);
    assertThat(keys(customer)).hasSize(1);
  }

  @Test
  void create_withMalformedJson_returns400() {
    customerWithFirstKey("kc-malformed");
    problem(server.get().admin("POST", keysPath("kc-malformed"), "{\"name\":"), 400, "malformed_json");
  }

  // ---------------------------------------------------------------- list and get

  @Test
  void list_showsActiveRevokedAndExpiredKeysWithTheirStatus() {
    String active = customerWithFirstKey("kc-list").path("key_id").asText();
    String revoked = created(server.get().admin("POST", keysPath("kc-list"), json("{'name':'old'}")))
        .path("key_id").asText();
    ok(server.get().admin("DELETE", keyPath("kc-list", revoked)));
    Instant expiry = Instant.now().plusSeconds(2);
    String expiring = created(server.get().admin("POST", keysPath("kc-list"),
        json("{'name':'short','expires_at':'" + expiry + "'}"))).path("key_id").asText();
    assertThat(key("kc-list", expiring).path("status").asText()).isEqualTo("active");

    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(key("kc-list", expiring).path("status").asText()).isEqualTo("expired"));

    Map<String, String> statuses = new HashMap<>();
    keys("kc-list").forEach(k -> statuses.put(k.path("key_id").asText(), k.path("status").asText()));
    assertThat(statuses).containsExactlyInAnyOrderEntriesOf(
        Map.of(active, "active", revoked, "revoked", expiring, "expired"));
    JsonNode counts = ok(server.get().admin("GET", "/admin/customers/kc-list")).path("keys");
    assertThat(counts.path("total").asInt()).isEqualTo(3);
    assertThat(counts.path("active").asInt()).isEqualTo(1);
    assertThat(counts.path("revoked").asInt()).isEqualTo(1);
    assertThat(counts.path("expired").asInt()).isEqualTo(1);

    problem(server.get().admin("POST", keyPath("kc-list", expiring) + "/rotate", "{}"), 409, "key_not_active");
    JsonNode revokedAfterExpiry = ok(server.get().admin("DELETE", keyPath("kc-list", expiring)));
    assertThat(revokedAfterExpiry.path("status").asText()).isEqualTo("revoked");
    assertThat(revokedAfterExpiry.path("revoked_at").isTextual()).isTrue();
  }

  @Test
  void get_oneKey_answersItsDocumentWithoutSecret() {
    customerWithFirstKey("kc-get", "default", "staging");
    JsonNode issued = created(server.get().admin("POST", keysPath("kc-get"),
        json("{'name':'reporting','namespaces':['staging']}")));
    JsonNode got = key("kc-get", issued.path("key_id").asText());
    assertThat(got).isEqualTo(withoutSecret(issued));
    assertThat(keys("kc-get")).contains(got);
  }

  @Test
  void get_unknownKey_returns404KeyNotFound() {
    customerWithFirstKey("kc-unknown");
    problem(server.get().admin("GET", keyPath("kc-unknown", "key_doesNotExist1234")), 404, "key_not_found");
    problem(server.get().admin("DELETE", keyPath("kc-unknown", "key_doesNotExist1234")), 404, "key_not_found");
    problem(server.get().admin("POST", keyPath("kc-unknown", "key_doesNotExist1234") + "/rotate", "{}"), 404,
        "key_not_found");
    assertThat(keys("kc-unknown")).hasSize(1);
  }

  @Test
  void keyOfAnotherCustomer_addressedThroughThisOne_returns404AndIsUntouched() {
    JsonNode ofA = customerWithFirstKey("kc-owner-a");
    customerWithFirstKey("kc-owner-b");
    String keyA = ofA.path("key_id").asText();
    JsonNode before = key("kc-owner-a", keyA);

    problem(server.get().admin("GET", keyPath("kc-owner-b", keyA)), 404, "key_not_found");
    problem(server.get().admin("DELETE", keyPath("kc-owner-b", keyA)), 404, "key_not_found");
    problem(server.get().admin("POST", keyPath("kc-owner-b", keyA) + "/rotate", "{}"), 404, "key_not_found");

    assertThat(key("kc-owner-a", keyA)).isEqualTo(before);
    assertThat(before.path("status").asText()).isEqualTo("active");
    assertThat(keys("kc-owner-a")).hasSize(1);
    assertThat(keys("kc-owner-b")).hasSize(1);
  }

  @Test
  void keysOfUnknownCustomer_return404CustomerNotFound() {
    problem(server.get().admin("GET", keysPath("kc-nobody")), 404, "customer_not_found");
    problem(server.get().admin("POST", keysPath("kc-nobody"), "{}"), 404, "customer_not_found");
    problem(server.get().admin("GET", keyPath("kc-nobody", "key_abc")), 404, "customer_not_found");
    problem(server.get().admin("DELETE", keyPath("kc-nobody", "key_abc")), 404, "customer_not_found");
    problem(server.get().admin("POST", keyPath("kc-nobody", "key_abc") + "/rotate", "{}"), 404, "customer_not_found");
  }

  // ---------------------------------------------------------------- revoke

  @Test
  void revoke_twice_isIdempotentAndLeavesOtherKeysUntouched() {
    String other = customerWithFirstKey("kc-revoke").path("key_id").asText();
    String target = created(server.get().admin("POST", keysPath("kc-revoke"), "{}")).path("key_id").asText();
    JsonNode otherBefore = key("kc-revoke", other);

    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JsonNode first = ok(server.get().admin("DELETE", keyPath("kc-revoke", target)));
    Instant after = Instant.now();
    assertThat(first.path("status").asText()).isEqualTo("revoked");
    assertThat(first.has("key")).isFalse();
    Instant revokedAt = instant(first.path("revoked_at"));
    assertThat(revokedAt).isBetween(before, after);

    JsonNode second = ok(server.get().admin("DELETE", keyPath("kc-revoke", target)));
    assertThat(second.path("status").asText()).isEqualTo("revoked");
    assertThat(instant(second.path("revoked_at"))).isEqualTo(revokedAt);
    assertThat(second).isEqualTo(first);

    assertThat(key("kc-revoke", target)).isEqualTo(first);
    assertThat(key("kc-revoke", other)).isEqualTo(otherBefore);
    assertThat(otherBefore.path("status").asText()).isEqualTo("active");
  }

  // ---------------------------------------------------------------- rotate

  @Test
  void rotate_withoutGrace_issuesSameShapedKeyAndRevokesOldNow() {
    customerWithFirstKey("kc-rotate", "default", "staging");
    JsonNode old = created(server.get().admin("POST", keysPath("kc-rotate"),
        json("{'name':'ci','environment':'test','namespaces':['staging']}")));
    String oldId = old.path("key_id").asText();

    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JsonNode fresh = created(server.get().admin("POST", keyPath("kc-rotate", oldId) + "/rotate", null));
    Instant after = Instant.now();

    assertThat(fresh.path("key_id").asText()).startsWith("key_").isNotEqualTo(oldId);
    assertThat(fresh.path("key").asText()).startsWith("tg_test_").isNotEqualTo(old.path("key").asText());
    assertThat(fresh.path("replaces").asText()).isEqualTo(oldId);
    assertThat(fresh.path("name").asText()).isEqualTo("ci");
    assertThat(fresh.path("environment").asText()).isEqualTo("test");
    assertThat(texts(fresh.path("namespaces"))).containsExactly("staging");
    assertThat(fresh.path("status").asText()).isEqualTo("active");
    assertThat(fresh.path("customer_id").asText()).isEqualTo("kc-rotate");

    JsonNode retired = key("kc-rotate", oldId);
    assertThat(retired.path("status").asText()).isEqualTo("revoked");
    assertThat(instant(retired.path("revoked_at"))).isBetween(before, after);
    assertThat(key("kc-rotate", fresh.path("key_id").asText())).isEqualTo(withoutSecret(fresh));
    assertThat(keys("kc-rotate")).hasSize(3);
  }

  @Test
  void rotate_expiringKey_theNewKeyExpiresWhenTheOldOneWould() {
    customerWithFirstKey("kc-rotate-exp", "default");
    Instant expires = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    String oldId = created(server.get().admin("POST", keysPath("kc-rotate-exp"),
        json("{'expires_at':'" + expires + "'}"))).path("key_id").asText();
    JsonNode fresh = created(server.get().admin("POST", keyPath("kc-rotate-exp", oldId) + "/rotate", null));
    assertThat(instant(fresh.path("expires_at"))).isEqualTo(expires);
    assertThat(instant(key("kc-rotate-exp", fresh.path("key_id").asText()).path("expires_at"))).isEqualTo(expires);
  }

  @Test
  void rotate_withGracePeriod_keepsOldKeyActiveUntilGraceEnds() {
    String oldId = customerWithFirstKey("kc-grace").path("key_id").asText();
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JsonNode fresh = created(server.get().admin("POST", keyPath("kc-grace", oldId) + "/rotate",
        json("{'grace_period_s':3600}")));
    Instant after = Instant.now();
    assertThat(fresh.path("replaces").asText()).isEqualTo(oldId);

    JsonNode old = key("kc-grace", oldId);
    assertThat(old.path("status").asText()).isEqualTo("active");
    assertThat(instant(old.path("revoked_at"))).isBetween(before.plusSeconds(3600), after.plusSeconds(3600));
    assertThat(key("kc-grace", fresh.path("key_id").asText()).path("status").asText()).isEqualTo("active");
  }

  @Test
  void rotate_withGraceOfSevenDays_isAccepted() {
    String oldId = customerWithFirstKey("kc-grace-max").path("key_id").asText();
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    created(server.get().admin("POST", keyPath("kc-grace-max", oldId) + "/rotate", json("{'grace_period_s':604800}")));
    assertThat(instant(key("kc-grace-max", oldId).path("revoked_at")))
        .isAfterOrEqualTo(before.plus(Duration.ofDays(7)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"604801", "-1", "\"x\"", "1.5", "true"})
  void rotate_withInvalidGracePeriod_returns422AndChangesNothing(String grace) {
    String customer = "kc-grace-bad";
    if (server.get().admin("GET", "/admin/customers/" + customer).status() == 404) {
      customerWithFirstKey(customer);
    }
    String oldId = created(server.get().admin("POST", keysPath(customer), "{}")).path("key_id").asText();
    JsonNode before = key(customer, oldId);
    int count = keys(customer).size();
    JsonNode p = problem(server.get().admin("POST", keyPath(customer, oldId) + "/rotate",
        "{\"grace_period_s\":" + grace + "}"), 422, "validation_failed");
    assertThat(p.path("errors").get(0).path("field").asText()).isEqualTo("grace_period_s");
    assertThat(key(customer, oldId)).isEqualTo(before);
    assertThat(keys(customer)).hasSize(count);
  }

  @Test
  void rotate_withUnknownFieldOrMalformedBody_isRefused() {
    String oldId = customerWithFirstKey("kc-rotate-field").path("key_id").asText();
    problem(server.get().admin("POST", keyPath("kc-rotate-field", oldId) + "/rotate", json("{'grace':60}")), 422,
        "validation_failed");
    problem(server.get().admin("POST", keyPath("kc-rotate-field", oldId) + "/rotate", "{\"grace_period_s\":"), 400,
        "malformed_json");
    assertThat(keys("kc-rotate-field")).hasSize(1);
    assertThat(key("kc-rotate-field", oldId).path("status").asText()).isEqualTo("active");
  }

  @Test
  void rotate_concurrentlyOneKey_rotatesItOnce() throws Exception {
    String oldId = customerWithFirstKey("kc-rotate-race").path("key_id").asText();
    int callers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<Integer> statuses = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        answers.add(pool.submit(() -> {
          go.await();
          return server.get().admin("POST", keyPath("kc-rotate-race", oldId) + "/rotate", "{}");
        }));
      }
      go.countDown();
      for (Future<Answer> f : answers) {
        Answer a = f.get(30, TimeUnit.SECONDS);
        statuses.add(a.status());
        if (a.status() != 201) {
          assertThat(a.json().path("code").asText()).as(a.text()).isEqualTo("key_not_active");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(statuses).containsOnlyOnce(201).containsOnly(201, 409);
    assertThat(keys("kc-rotate-race")).hasSize(2);
  }

  @Test
  void rotate_revokedKey_returns409KeyNotActive() {
    String oldId = customerWithFirstKey("kc-rotate-revoked").path("key_id").asText();
    ok(server.get().admin("DELETE", keyPath("kc-rotate-revoked", oldId)));
    problem(server.get().admin("POST", keyPath("kc-rotate-revoked", oldId) + "/rotate", "{}"), 409, "key_not_active");
    assertThat(keys("kc-rotate-revoked")).hasSize(1);
  }

  @Test
  void rotate_ofDeactivatedCustomer_returns409CustomerDeactivated() {
    String oldId = customerWithFirstKey("kc-rotate-gone").path("key_id").asText();
    ok(server.get().admin("DELETE", "/admin/customers/kc-rotate-gone"));
    problem(server.get().admin("POST", keyPath("kc-rotate-gone", oldId) + "/rotate", "{}"), 409, "customer_deactivated");
  }

  @Test
  void create_withExpiryInAnotherOffset_answersItInUtc() {
    customerWithFirstKey("kc-offset");
    JsonNode k = created(server.get().admin("POST", keysPath("kc-offset"),
        json("{'expires_at':'2099-01-01T02:00:00+02:00'}")));
    assertThat(k.path("expires_at").asText()).isEqualTo("2099-01-01T00:00:00Z");
  }

  @Test
  void revoke_duringRotationGrace_revokesNow() {
    String oldId = customerWithFirstKey("kc-grace-revoke").path("key_id").asText();
    created(server.get().admin("POST", keyPath("kc-grace-revoke", oldId) + "/rotate", json("{'grace_period_s':3600}")));
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JsonNode revoked = ok(server.get().admin("DELETE", keyPath("kc-grace-revoke", oldId)));
    Instant after = Instant.now();
    assertThat(revoked.path("status").asText()).isEqualTo("revoked");
    assertThat(instant(revoked.path("revoked_at"))).isBetween(before, after);
    assertThat(key("kc-grace-revoke", oldId).path("status").asText()).isEqualTo("revoked");
  }

  @Test
  void revoke_ofDeactivatedCustomer_stillRevokes() {
    String keyId = customerWithFirstKey("kc-gone-revoke").path("key_id").asText();
    ok(server.get().admin("DELETE", "/admin/customers/kc-gone-revoke"));
    assertThat(ok(server.get().admin("DELETE", keyPath("kc-gone-revoke", keyId))).path("status").asText())
        .isEqualTo("revoked");
  }

  @Test
  void rotate_keyScopedToWithdrawnNamespace_keepsTheScope() {
    customerWithFirstKey("kc-rotate-scope", "default", "staging");
    String oldId = created(server.get().admin("POST", keysPath("kc-rotate-scope"), json("{'namespaces':['staging']}")))
        .path("key_id").asText();
    ok(server.get().admin("DELETE", "/admin/customers/kc-rotate-scope/namespaces/staging"));
    JsonNode fresh = created(server.get().admin("POST", keyPath("kc-rotate-scope", oldId) + "/rotate", "{}"));
    assertThat(texts(fresh.path("namespaces"))).containsExactly("staging");
  }
}
