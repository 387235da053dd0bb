package io.tollgate.admin.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.admin.RunningTollgate.Answer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seed 003's onboarding routes against a started Tollgate with seed 003's catalog, over real HTTP: the seed's
 * examples answer with its field names and values, every change is the Admin API's own (the gate sees it at once),
 * refusals are the Admin API's problem documents, and each audit entry says {@code "via": "compat"}.
 */
final class CompatOnboardApiTest {
  @RegisterExtension static final Seed003Tollgate server = new Seed003Tollgate();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  /** Seed 003's create example as written (its page hides the email address, so one is filled in). */
  @Test
  void create_seedExampleAsWritten_answers201WithTheSeedsFieldsAndBuildersLimits() throws Exception {
    Answer a = server.seed("POST", "/gate/onboard/create", """
        {
        "tenant_id": "acme-corp",
        "plan": "builder",
        "namespaces": ["default", "staging", "production"],
        "email": "ops@acme-corp.example"
        }""");
    assertThat(a.status()).as(a.text()).isEqualTo(201);
    assertThat(a.header("Content-Type")).isEqualTo("application/json");
    JsonNode t = a.json();
    assertThat(t.get("tenant_id").asText()).isEqualTo("acme-corp");
    assertThat(t.get("api_key").asText()).startsWith("hx_live_");
    assertThat(t.get("plan").asText()).isEqualTo("builder");
    assertThat(t.get("namespaces")).isEqualTo(json("[\"default\",\"production\",\"staging\"]"));
    assertThat(t.get("monthly_quota").asLong()).isEqualTo(50000);
    assertThat(t.get("rate_limit")).isEqualTo(json("{\"requests\":100,\"window_s\":60}"));
    assertThat(t.get("quota_period").asText()).isEqualTo("month");
    assertThat(server.verify(t.get("api_key").asText(), "production", "1").get("valid").asBoolean()).isTrue();

    JsonNode audit = server.audit("acme-corp");
    assertThat(audit).isNotEmpty();
    audit.forEach(e -> assertThat(e.get("via").asText()).as(e.toString()).isEqualTo("compat"));
    assertThat(audit.get(audit.size() - 1).get("action").asText()).isEqualTo("customer.create");
    assertThat(audit.get(0).get("actor").asText()).startsWith("adm_cfg_");
  }

  @Test
  void create_withoutPlanOrNamespaces_isStarterOnDefault() {
    JsonNode t = server.onboard("plain-co", "starter");
    Answer bare = server.seed("POST", "/gate/onboard/create", "{\"tenant_id\":\"bare-co\"}");
    assertThat(bare.status()).isEqualTo(201);
    assertThat(bare.json().get("plan").asText()).isEqualTo("starter");
    assertThat(bare.json().get("namespaces").toString()).isEqualTo("[\"default\"]");
    assertThat(bare.json().get("monthly_quota")).isEqualTo(t.get("monthly_quota"));
  }

  @Test
  void tier_seedExample_answersProsQuotaAndRateLimit_andTheGateAppliesItAtOnce() throws Exception {
    String key = server.onboard("tier-co", "builder").get("api_key").asText();
    Answer a = server.seed("POST", "/gate/onboard/tier", "{\"tenant_id\": \"tier-co\", \"plan\": \"pro\"}");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.json()).isEqualTo(json("{\"tenant_id\":\"tier-co\",\"plan\":\"pro\",\"monthly_quota\":500000,"
        + "\"quota_period\":\"month\",\"rate_limit\":{\"requests\":1000,\"window_s\":60}}"));
    assertThat(server.verify(key, "default", "1").get("tier").asText()).isEqualTo("pro");
    assertThat(server.audit("tier-co").get(0).get("via").asText()).isEqualTo("compat");
    assertThat(server.audit("tier-co").get(0).get("action").asText()).isEqualTo("customer.update");
  }

  @Test
  void rotate_theOnlyKey_stopsTheOldKeyAtOnce_andTheNewOneWorks() {
    String old = server.onboard("rotate-co", "builder").get("api_key").asText();
    Answer a = server.seed("POST", "/gate/onboard/rotate", "{\"tenant_id\":\"rotate-co\"}");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    String fresh = a.json().get("api_key").asText();
    assertThat(a.json().get("tenant_id").asText()).isEqualTo("rotate-co");
    assertThat(fresh).startsWith("hx_live_").isNotEqualTo(old);
    assertThat(server.verify(old, "default", "0").get("valid").asBoolean()).isFalse();
    assertThat(server.verify(fresh, "default", "0").get("valid").asBoolean()).isTrue();
    List<String> vias = new ArrayList<>();
    server.audit("rotate-co").forEach(e -> vias.add(e.get("via").asText()));
    assertThat(vias).containsOnly("compat");
  }

  @Test
  void rotate_withoutKeyIdWhenSeveralKeysAreActive_is409NamingThem_andWithKeyIdRotatesThatOne() {
    server.onboard("multi-co", "builder");
    Answer second = server.get().admin("POST", "/admin/customers/multi-co/keys", "{\"name\":\"ci\"}");
    assertThat(second.status()).isEqualTo(201);
    JsonNode keys = server.get().admin("GET", "/admin/customers/multi-co/keys").json().get("keys");
    String first = keys.get(0).get("key_id").asText();
    String other = keys.get(1).get("key_id").asText();

    Answer ambiguous = server.seed("POST", "/gate/onboard/rotate", "{\"tenant_id\":\"multi-co\"}");
    assertThat(ambiguous.status()).isEqualTo(409);
    assertThat(ambiguous.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(ambiguous.json().get("code").asText()).isEqualTo("ambiguous_key");
    assertThat(ambiguous.json().get("detail").asText()).contains(first, other);

    Answer chosen = server.seed("POST", "/gate/onboard/rotate",
        "{\"tenant_id\":\"multi-co\",\"key_id\":\"" + other + "\"}");
    assertThat(chosen.status()).as(chosen.text()).isEqualTo(200);
    assertThat(chosen.json().get("replaces").asText()).isEqualTo(other);
    JsonNode after = server.get().admin("GET", "/admin/customers/multi-co/keys/" + other).json();
    assertThat(after.get("status").asText()).isEqualTo("revoked");
    JsonNode untouched = server.get().admin("GET", "/admin/customers/multi-co/keys/" + first).json();
    assertThat(untouched.get("status").asText()).isEqualTo("active");
  }

  @Test
  void rotate_unknownKeyOrTenant_isTheAdminApisProblem() {
    server.onboard("nokey-co", "builder");
    Answer key = server.seed("POST", "/gate/onboard/rotate", "{\"tenant_id\":\"nokey-co\",\"key_id\":\"key_nope\"}");
    assertThat(key.status()).isEqualTo(404);
    assertThat(key.json().get("code").asText()).isEqualTo("key_not_found");
    Answer tenant = server.seed("POST", "/gate/onboard/rotate", "{\"tenant_id\":\"no-such-co\"}");
    assertThat(tenant.status()).isEqualTo(404);
    assertThat(tenant.json().get("code").asText()).isEqualTo("customer_not_found");
  }

  @Test
  void namespaces_grant_answersTheTenant_andTheKeyMayUseIt() {
    String key = server.onboard("ns-co", "builder").get("api_key").asText();
    assertThat(server.verify(key, "analytics", "0").get("valid").asBoolean()).isFalse();
    Answer a = server.seed("POST", "/gate/onboard/namespaces", "{\"tenant_id\":\"ns-co\",\"namespace\":\"analytics\"}");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.json().get("tenant_id").asText()).isEqualTo("ns-co");
    assertThat(a.json().get("namespaces").toString()).isEqualTo("[\"analytics\",\"default\"]");
    assertThat(a.json().get("active").asBoolean()).isTrue();
    assertThat(server.verify(key, "analytics", "0").get("valid").asBoolean()).isTrue();
    Answer invalid = server.seed("POST", "/gate/onboard/namespaces", "{\"tenant_id\":\"ns-co\",\"namespace\":\"Bad NS\"}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().get("code").asText()).isEqualTo("invalid_namespace");
  }

  @Test
  void deactivate_refusesEveryKeyAtOnce_isRepeatable_andListsTheTenantInactive() {
    String key = server.onboard("gone-co", "builder").get("api_key").asText();
    Answer a = server.seed("POST", "/gate/onboard/deactivate", "{\"tenant_id\":\"gone-co\"}");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.json().get("active").asBoolean()).isFalse();
    assertThat(server.verify(key, "default", "0").get("valid").asBoolean()).isFalse();
    assertThat(server.seed("POST", "/gate/onboard/deactivate", "{\"tenant_id\":\"gone-co\"}").status()).isEqualTo(200);
    assertThat(server.get().admin("GET", "/admin/customers/gone-co").json().get("status").asText())
        .isEqualTo("deactivated");
    assertThat(server.audit("gone-co").get(0).get("action").asText()).isEqualTo("customer.deactivate");
    assertThat(server.audit("gone-co").get(0).get("via").asText()).isEqualTo("compat");
  }

  @Test
  void tenants_listsEveryTenantWithTheSeedsFields() {
    server.onboard("list-co", "pro");
    Answer a = server.seed("GET", "/gate/tenants", null);
    assertThat(a.status()).isEqualTo(200);
    JsonNode found = null;
    for (JsonNode t : a.json().get("tenants")) {
      if (t.get("tenant_id").asText().equals("list-co")) {
        found = t;
      }
    }
    assertThat(found).as(a.text()).isNotNull();
    assertThat(found.get("plan").asText()).isEqualTo("pro");
    assertThat(found.get("namespaces").toString()).isEqualTo("[\"default\"]");
    assertThat(found.get("active").asBoolean()).isTrue();
  }

  @Test
  void create_viaTheAdminApi_isAuditedAsAdminApi() {
    assertThat(server.get().admin("POST", "/admin/customers", "{\"customer_id\":\"admin-co\"}").status())
        .isEqualTo(201);
    server.audit("admin-co").forEach(e -> assertThat(e.get("via").asText()).isEqualTo("admin_api"));
  }
}
