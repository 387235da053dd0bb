package io.tollgate.admin.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who may call seed 003's routes (an admin key, from either variable; never the verify service key nor a customer's
 * key), and bad input: the Admin API's problem documents and codes, with the seed's field names, and nothing changed.
 */
final class CompatRefusalsApiTest {
  @RegisterExtension static final Seed003Tollgate server = new Seed003Tollgate();

  private static void assertProblem(Answer a, int status, String code) {
    assertThat(a.status()).as(a.text()).isEqualTo(status);
    assertThat(a.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(a.json().get("code").asText()).isEqualTo(code);
  }

  @ParameterizedTest
  @CsvSource({"POST,/gate/onboard/create", "POST,/gate/onboard/rotate", "POST,/gate/onboard/namespaces",
      "POST,/gate/onboard/tier", "POST,/gate/onboard/deactivate", "GET,/gate/tenants", "GET,/gate/usage",
      "GET,/gate/usage/acme-corp", "POST,/gate/registry/reload"})
  void everyRoute_withoutAKey_withTheVerifyServiceKey_orACustomersKey_is401(String method, String path) {
    String customerKey = server.onboard("auth-" + Math.abs(path.hashCode()) + method.length(), "builder")
        .get("api_key").asText();
    String body = method.equals("POST") ? "{\"tenant_id\":\"someone\"}" : null;
    Answer none = server.get().send(method, server.get().adminUri(path), body, Map.of());
    assertProblem(none, 401, "unauthorized");
    assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    assertProblem(server.as(Seed003Tollgate.VERIFY_KEY, method, path, body), 401, "unauthorized");
    assertProblem(server.as(customerKey, method, path, body), 401, "unauthorized");
    assertProblem(server.get().send(method, server.get().adminUri(path), body,
        Map.of("Authorization", "Basic " + Seed003Tollgate.SEED_KEY)), 401, "unauthorized");
  }

  @Test
  void tollgatesOwnAdminKey_opensTheSeedRoutesToo() {
    Answer a = server.as(RunningTollgate.ADMIN_KEY, "GET", "/gate/tenants", null);
    assertThat(a.status()).isEqualTo(200);
  }

  @Test
  void health_needsNoKey() {
    Answer a = server.get().send("GET", server.get().adminUri("/gate/health"), null, Map.of());
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("status").asText()).isEqualTo("ok");
  }

  @Test
  void create_withoutTenantId_orWithAnUnknownField_is422NamingTheSeedsFields() {
    Answer missing = server.seed("POST", "/gate/onboard/create", "{\"plan\":\"builder\"}");
    assertProblem(missing, 422, "validation_failed");
    assertThat(missing.json().get("errors").get(0).get("field").asText()).isEqualTo("tenant_id");
    Answer unknown = server.seed("POST", "/gate/onboard/create", "{\"tenant_id\":\"x-co\",\"customer_id\":\"x-co\"}");
    assertProblem(unknown, 422, "validation_failed");
    assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("customer_id");
    Answer types = server.seed("POST", "/gate/onboard/create",
        "{\"tenant_id\":7,\"namespaces\":\"default\",\"email\":\"not-an-address\"}");
    assertProblem(types, 422, "validation_failed");
    assertThat(types.json().get("errors").size()).isEqualTo(3);
    assertThat(server.get().admin("GET", "/admin/customers/x-co").status()).isEqualTo(404);
  }

  @Test
  void create_unknownPlan_invalidId_orAnExistingTenant_isTheAdminApisProblem() {
    assertProblem(server.seed("POST", "/gate/onboard/create", "{\"tenant_id\":\"plan-co\",\"plan\":\"gold\"}"),
        422, "unknown_tier");
    assertProblem(server.seed("POST", "/gate/onboard/create", "{\"tenant_id\":\"Not A Slug\"}"),
        422, "invalid_customer_id");
    server.onboard("twice-co", "builder");
    assertProblem(server.seed("POST", "/gate/onboard/create", "{\"tenant_id\":\"twice-co\"}"), 409, "customer_exists");
  }

  @Test
  void changes_malformedJsonOrMissingFields_areRefusedAndChangeNothing() {
    server.onboard("bad-co", "builder");
    assertProblem(server.seed("POST", "/gate/onboard/tier", "{\"tenant_id\":"), 400, "malformed_json");
    Answer noPlan = server.seed("POST", "/gate/onboard/tier", "{\"tenant_id\":\"bad-co\"}");
    assertProblem(noPlan, 422, "validation_failed");
    assertThat(noPlan.json().get("errors").get(0).get("field").asText()).isEqualTo("plan");
    assertProblem(server.seed("POST", "/gate/onboard/tier", "{\"tenant_id\":\"bad-co\",\"plan\":\"gold\"}"),
        422, "unknown_tier");
    assertProblem(server.seed("POST", "/gate/onboard/namespaces", "{\"tenant_id\":\"bad-co\"}"),
        422, "validation_failed");
    assertProblem(server.seed("POST", "/gate/onboard/deactivate", "{}"), 422, "validation_failed");
    assertProblem(server.seed("POST", "/gate/onboard/rotate", "{\"tenant_id\":\"bad-co\",\"grace_period_s\":5}"),
        422, "validation_failed");
    assertProblem(server.seed("POST", "/gate/onboard/deactivate", "{\"tenant_id\":\"nobody-co\"}"),
        404, "customer_not_found");
    assertThat(server.get().admin("GET", "/admin/customers/bad-co").json().get("tier").asText())
        .isEqualTo("builder");
  }

  @Test
  void usage_invalidPeriod_is422_andAnUnknownTenant404() {
    Answer period = server.seed("GET", "/gate/usage?period=January", null);
    assertProblem(period, 422, "validation_failed");
    assertThat(period.json().get("errors").get(0).get("field").asText()).isEqualTo("period");
    assertProblem(server.seed("GET", "/gate/usage/nobody-co?period=2026-13", null), 422, "validation_failed");
    assertProblem(server.seed("GET", "/gate/usage/nobody-co", null), 404, "customer_not_found");
  }

  @Test
  void unknownGateRoute_withAKey_is404() {
    assertProblem(server.seed("GET", "/gate/onboard/everything", null), 404, "not_found");
  }

  @Test
  void onboardRoutes_refuseAnyMethodButPost() {
    Answer a = server.seed("GET", "/gate/onboard/create", null);
    assertThat(a.status()).isIn(404, 405);
    JsonNode body = a.json();
    assertThat(body.get("code").asText()).isIn("not_found", "method_not_allowed");
  }
}
