package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/verify} and {@code GET /v1/authorize} give the proxy's decision. */
final class VerifyAndAuthorizeTest {
  static final String SERVICE_KEY = "service-key-for-tests-0123456789";
  @TempDir static Path dir;
  static GateFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "", Map.of("TOLLGATE_SERVICE_KEY", SERVICE_KEY));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static Answer verify(String json) {
    return f.tollgate.send("POST", f.tollgate.gateUri("/v1/verify"), json,
        Map.of("Authorization", "Bearer " + SERVICE_KEY));
  }

  /** nginx's {@code auth_request}: the original method and URI in headers. */
  private static Answer authorize(String key, String method, String uri) {
    return f.tollgate.send("GET", f.tollgate.gateUri("/v1/authorize"), null, Map.of(
        "Authorization", "Bearer " + key, "X-Original-Method", method, "X-Original-URI", uri));
  }

  @Test
  void verify_withoutServiceKey_is401_evenWithACustomerKey() {
    String key = f.customer("{\"customer_id\":\"verify-0\"}");
    Answer a = f.tollgate.send("POST", f.tollgate.gateUri("/v1/verify"), "{\"key\":\"" + key + "\"}",
        Map.of("Authorization", "Bearer " + key));
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.header("WWW-Authenticate")).isNotNull();
  }

  @Test
  void verify_goodKey_isValid_withIdentityAndLimits_andIsBilled() {
    String key = f.customer("{\"customer_id\":\"verify-1\",\"tier\":\"growth\"}");
    Answer a = verify("{\"key\":\"" + key + "\",\"operation\":\"validate\",\"units\":2}");
    assertThat(a.status()).isEqualTo(200);
    JsonNode v = a.json();
    assertThat(v.get("valid").asBoolean()).isTrue();
    assertThat(v.get("code").asText()).isEqualTo("ok");
    assertThat(v.get("customer_id").asText()).isEqualTo("verify-1");
    assertThat(v.get("key_id").asText()).startsWith("key_");
    assertThat(v.get("tier").asText()).isEqualTo("growth");
    assertThat(v.get("rate_limit").get("limit").asLong()).isEqualTo(100);
    assertThat(v.get("quota").get("remaining").asLong()).isEqualTo(10_000_000 - 2);
    await().until(() -> f.usage("verify-1").get("breakdown").path("validate").asDouble() == 2.0);
  }

  @Test
  void verify_dryRun_consumesNothing() {
    String key = f.customer("{\"customer_id\":\"verify-2\",\"limits\":{\"rate_limit\":{\"requests\":1,\"window_s\":60}}}");
    for (int i = 0; i < 3; i++) {
      assertThat(verify("{\"key\":\"" + key + "\",\"dry_run\":true}").json().get("valid").asBoolean()).isTrue();
    }
    assertThat(verify("{\"key\":\"" + key + "\"}").json().get("valid").asBoolean()).isTrue();
    JsonNode limited = verify("{\"key\":\"" + key + "\"}").json();
    assertThat(limited.get("valid").asBoolean()).isFalse();
    assertThat(limited.get("code").asText()).isEqualTo("rate_limited");
  }

  /**
   * A dry run only looks: one that would be refused answers the refusal's code but counts no refusal against the
   * customer (its usage document's {@code rejected}, and the SLA, which counts some refusals as failures).
   */
  @Test
  void verify_dryRunThatWouldBeRefused_answersTheCode_butCountsNoRefusalForTheCustomer() {
    String key = f.customer("{\"customer_id\":\"verify-5\",\"namespaces\":[\"default\"]}");
    JsonNode dry = verify("{\"key\":\"" + key + "\",\"namespace\":\"elsewhere\",\"dry_run\":true}").json();
    assertThat(dry.get("valid").asBoolean()).isFalse();
    assertThat(dry.get("code").asText()).isEqualTo("namespace_denied");
    JsonNode real = verify("{\"key\":\"" + key + "\",\"namespace\":\"elsewhere\"}").json();
    assertThat(real.get("code").asText()).isEqualTo("namespace_denied");
    // the real one, recorded after the dry run, is counted: so would the dry run be by then
    JsonNode usage = f.awaitUsage("verify-5", u -> u.get("rejected").path("namespace_denied").asLong() > 0);
    assertThat(usage.get("rejected").get("namespace_denied").asLong()).isEqualTo(1);
  }

  @Test
  void verify_badKeyOrNamespace_isInvalid_withTheRefusalCode_andNoIdentityForABadKey() {
    String key = f.customer("{\"customer_id\":\"verify-3\"}");
    JsonNode bad = verify("{\"key\":\"tg_live_nope\"}").json();
    assertThat(bad.get("valid").asBoolean()).isFalse();
    assertThat(bad.get("code").asText()).isEqualTo("unauthorized");
    assertThat(bad.get("customer_id").isNull()).isTrue();
    JsonNode ns = verify("{\"key\":\"" + key + "\",\"namespace\":\"elsewhere\"}").json();
    assertThat(ns.get("valid").asBoolean()).isFalse();
    assertThat(ns.get("code").asText()).isEqualTo("namespace_denied");
    assertThat(verify("{\"key\":5}").status()).isEqualTo(400);
    assertThat(verify("not json").status()).isEqualTo(400);
  }

  @Test
  void authorize_goodKey_is204WithIdentityHeaders_badKey401_unknownRoute404() {
    String key = f.customer("{\"customer_id\":\"authz-1\",\"tier\":\"scale\"}");
    Answer ok = f.tollgate.send("GET", f.tollgate.gateUri("/v1/authorize"), null, Map.of(
        "Authorization", "Bearer " + key, "X-Original-Method", "POST", "X-Original-URI", "/v1/default/query?x=1"));
    assertThat(ok.status()).isEqualTo(204);
    assertThat(ok.header("X-Tollgate-Customer")).isEqualTo("authz-1");
    assertThat(ok.header("X-Tollgate-Tier")).isEqualTo("scale");
    assertThat(ok.header("X-Tollgate-Operation")).isEqualTo("query_topk");
    assertThat(ok.header("X-Tollgate-Namespace")).isEqualTo("default");
    assertThat(ok.header("RateLimit")).isNotNull();
    Answer bad = f.tollgate.send("GET", f.tollgate.gateUri("/v1/authorize"), null, Map.of(
        "Authorization", "Bearer tg_live_wrong", "X-Original-Method", "POST", "X-Original-URI", "/v1/default/query"));
    assertThat(bad.status()).isEqualTo(401);
    Answer none = f.tollgate.send("GET", f.tollgate.gateUri("/v1/authorize"), null, Map.of(
        "Authorization", "Bearer " + key, "X-Original-Method", "GET", "X-Original-URI", "/nothing/here"));
    assertThat(none.status()).isEqualTo(404);
    await().until(() -> f.usage("authz-1").get("breakdown").path("query_topk").asDouble() == 2.0);
  }

  @Test
  void authorize_envoyPathPrefix_checksTheMethodAndPathBehindIt() {
    String key = f.customer("{\"customer_id\":\"authz-2\",\"namespaces\":[\"default\"]}");
    Answer ok = f.tollgate.send("DELETE", f.tollgate.gateUri("/v1/authorize/v1/default/items/a"), null,
        Map.of("Authorization", "Bearer " + key));
    assertThat(ok.status()).isEqualTo(204);
    assertThat(ok.header("X-Tollgate-Operation")).isEqualTo("delete");
    Answer denied = f.tollgate.send("GET", f.tollgate.gateUri("/v1/authorize/v1/secret/items/a"), null,
        Map.of("Authorization", "Bearer " + key));
    assertThat(denied.status()).isEqualTo(403);
  }

  /**
   * nginx sends {@code $request_uri} as it came, and passes that same path on to the engine: {@code //v1/v1/default/items/a}
   * is a path (an empty first segment), not a host {@code v1} and the path {@code /v1/default/items/a}. It matches no
   * route, as it does through the proxy, so nothing is allowed or billed for a path the engine never gets.
   */
  @Test
  void authorize_originalUriStartingWithTwoSlashes_isThePathAsItIs_notAHostAndAnotherPath() {
    String key = f.customer("{\"customer_id\":\"authz-3\",\"namespaces\":[\"default\"]}");
    Answer doubled = authorize(key, "GET", "//v1/v1/default/items/a");
    assertThat(doubled.status()).isEqualTo(404);
    assertThat(doubled.header("X-Tollgate-Customer")).isNull();
    assertThat(f.gate("GET", "//v1/v1/default/items/a", key).status()).isEqualTo(404);
    Answer plain = authorize(key, "GET", "/v1/default/items/a");
    assertThat(plain.status()).isEqualTo(204);
    // only the plain path's 0.5 units are billed
    await().until(() -> f.usage("authz-3").get("units_used").asDouble() > 0);
    assertThat(f.usage("authz-3").get("units_used").asDouble()).isEqualTo(0.5);
    assertThat(f.usage("authz-3").get("requests").asLong()).isEqualTo(1);
  }

  /**
   * Envoy's {@code ext_authz} sends the original method as the check request's own method, together with the
   * client's headers: an {@code X-Original-Method} the client added must not pick the route (and so the operation and
   * units billed) instead of the method the engine gets.
   */
  @Test
  void authorize_envoyPathPrefix_routesTheRequestsOwnMethod_notAnXOriginalMethodTheClientSent() {
    String key = f.customer("{\"customer_id\":\"authz-4\",\"namespaces\":[\"default\"]}");
    Answer a = f.tollgate.send("PUT", f.tollgate.gateUri("/v1/authorize/v1/default/items/a"), null,
        Map.of("Authorization", "Bearer " + key, "X-Original-Method", "GET"));
    assertThat(a.status()).isEqualTo(204);
    assertThat(a.header("X-Tollgate-Operation")).isEqualTo("put");
    JsonNode usage = f.awaitUsage("authz-4", u -> u.get("requests").asLong() == 1);
    assertThat(usage.get("breakdown").path("put").asDouble()).isEqualTo(1.0);
    assertThat(usage.get("breakdown").has("get")).isFalse();
  }
}
