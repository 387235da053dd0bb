package io.tollgate.gate;

import static io.tollgate.gate.EdgeAssertions.assertNothingElseReachedTheEngine;
import static io.tollgate.gate.EdgeAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests that the gate and the engine could read differently: a path an engine may resolve into another
 * namespace, a namespace header sent twice, two credentials, underscored names that shadow the gate's own headers.
 * Each is refused (or the shadowing header dropped) so that what the engine runs is what the gate checked and billed.
 */
final class GateAmbiguityTest {
  @TempDir static Path dir;
  static GateFixture f;
  static String key;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, """
        routes:
          - { method: GET, path: "/v1/{namespace}/items/{id}", operation: get, units: 0.5 }
          - { method: "*", path: "/v1/{namespace}/serve/**", operation: serve, units: 1 }
          - { method: "*", path: "/v2/validate", operation: validate, units: 0.25, namespace_header: X-Namespace }
        """, Map.of());
    key = f.customer("{\"customer_id\":\"ambiguity-1\",\"tier\":\"enterprise\",\"namespaces\":[\"default\"]}");
    port = f.tollgate.server.gatePort();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static RawHttp.Response raw(String requestLineTarget, String headers) throws Exception {
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send("GET " + requestLineTarget + " HTTP/1.1\r\nHost: gate\r\n" + headers + "\r\n");
      return c.read();
    }
  }

  private static TestEngine.Seen lastSeen(String uri) {
    await().atMost(Duration.ofSeconds(2)).until(() -> f.engine.seen.stream().anyMatch(s -> s.uri().equals(uri)));
    return f.engine.seen.stream().filter(s -> s.uri().equals(uri)).reduce((a, b) -> b).orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/../../staging/query", "/%2e%2e/%2E%2E/staging/query", "/.%2e/x", "/%2e/x", "/./x",
      "/..;/x", "/..%3b/x", "/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b", "/%c0%ae%c0%ae/x", "/a%00b", "/a%zz",
      "/a%2", "/%ff/x"})
  void proxy_pathAnEngineCouldResolveElsewhere_is400_andNothingForwarded(String tail) throws Exception {
    int before = f.engine.seen.size();
    String marker = EdgeAssertions.marker("dots", tail);
    assertProblem(raw("/v1/default/serve/" + marker + tail, "Authorization: Bearer " + key + "\r\n"), 400);
    assertNothingElseReachedTheEngine(f, key, before, marker);
  }

  @Test
  void proxy_dotsInTheQuery_areNotAPath_andGoThrough() throws Exception {
    RawHttp.Response r = raw("/v1/default/serve/dots-query?next=../../staging/query&b=%2F",
        "Authorization: Bearer " + key + "\r\n");
    assertThat(r.status()).isEqualTo(200);
    lastSeen("/v1/default/serve/dots-query?next=../../staging/query&b=%2F");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/default/serve/../../staging/query", "/v1/default/serve/%2e%2e/staging/query",
      "/v1/default/serve/a%2fb", "/v1/default/serve/a%5Cb", "/v1/default/serve/a\\b"})
  void authorize_originalUriAnEngineCouldResolveElsewhere_is400(String uri) throws Exception {
    assertProblem(raw("/v1/authorize", "Authorization: Bearer " + key + "\r\nX-Original-URI: " + uri + "\r\n"),
        400);
    assertProblem(raw("/v1/authorize" + uri, "Authorization: Bearer " + key + "\r\n"), 400);
  }

  @Test
  void authorize_aCleanOriginalUri_is204() throws Exception {
    assertThat(raw("/v1/authorize", "Authorization: Bearer " + key + "\r\nX-Original-URI: /v1/default/serve/x?a=..\r\n")
        .status()).isEqualTo(204);
  }

  @ParameterizedTest
  @ValueSource(strings = {"X-Namespace: default\r\nX-Namespace: default\r\n", "X-Namespace: default, staging\r\n",
      "X-Namespace: default\r\nx-namespace: staging\r\n"})
  void namespaceHeader_repeatedOrAList_is400_andNothingForwarded(String headers) throws Exception {
    int before = f.engine.seen.size();
    assertProblem(raw("/v2/validate", "Authorization: Bearer " + key + "\r\n" + headers), 400);
    assertNothingElseReachedTheEngine(f, key, before, EdgeAssertions.marker("ns", headers));
  }

  @Test
  void namespaceHeader_once_isForwardedOnce() throws Exception {
    RawHttp.Response r = raw("/v2/validate?once", "Authorization: Bearer " + key + "\r\nX-Namespace: default\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(lastSeen("/v2/validate?once").headers().get("x-namespace")).containsExactly("default");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Authorization: Bearer\tKEY\r\nx-api-key: KEY\r\n", "Authorization: Basic dTpw\r\nx-api-key: KEY\r\n",
      "Authorization: Bearer KEY\r\nx-api-key: KEY2\r\n", "Authorization: Bearer KEY\r\nAuthorization: Bearer KEY\r\n",
      "x-api-key: KEY\r\nx-api-key: KEY\r\n", "Authorization: Bearer  KEY extra\r\n", "Authorization: Bearer\r\n"})
  void ambiguousCredentials_are401_andNothingForwarded(String headers) throws Exception {
    int before = f.engine.seen.size();
    String marker = EdgeAssertions.marker("cred", headers.replace("KEY", ""));
    assertProblem(raw("/v1/default/serve/" + marker, headers.replace("KEY2", key + "x").replace("KEY", key)), 401);
    assertNothingElseReachedTheEngine(f, key, before, marker);
  }

  @Test
  void admitted_engineNeverSeesTheCredentialHeaders() throws Exception {
    RawHttp.Response r = raw("/v1/default/serve/cred-stripped", "Authorization: Bearer " + key + "\r\nx-api-key: "
        + key + "\r\n");
    assertThat(r.status()).isEqualTo(200);
    TestEngine.Seen seen = lastSeen("/v1/default/serve/cred-stripped");
    assertThat(seen.headers()).doesNotContainKeys("authorization", "x-api-key");
    assertThat(seen.headers().toString()).doesNotContain(key);
  }

  @Test
  void underscoredNamesThatShadowTheGatesHeaders_areDropped_othersPass() throws Exception {
    RawHttp.Response r = raw("/v1/default/serve/underscores", "Authorization: Bearer " + key + "\r\n"
        + "X_Tollgate_Customer: someone-else\r\nX_Forwarded_For: 10.9.9.9\r\nX_Api_Key: " + key + "\r\n"
        + "Content_Length: 99\r\nX_Request_Id: forged\r\nAuthorization_: x\r\nX_Custom: kept\r\n");
    assertThat(r.status()).isEqualTo(200);
    TestEngine.Seen seen = lastSeen("/v1/default/serve/underscores");
    assertThat(seen.headers()).doesNotContainKeys("x_tollgate_customer", "x_forwarded_for", "x_api_key",
        "content_length", "x_request_id");
    assertThat(seen.header("X-Tollgate-Customer")).isEqualTo("ambiguity-1");
    assertThat(seen.header("X_Custom")).isEqualTo("kept");
    assertThat(seen.headers().toString()).doesNotContain(key);
  }
}
