package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Admin-key authentication, health, unknown routes, request ids, and the refusals of the admin listener itself
 * (oversized or ambiguous requests), through real HTTP.
 */
final class AdminAuthTest {
  private static final String REQUEST_ID_PATTERN = "[A-Za-z0-9._:-]{1,128}";
  private static final ObjectMapper JSON = new ObjectMapper();

  // many 401s from one address: more than the default admin.max_failed_logins (AdminLoginThrottleTest covers it)
  @RegisterExtension static final SharedTollgate server = new SharedTollgate("admin:\n  max_failed_logins: 1000\n");

  private static Answer get(String path, Map<String, String> headers) {
    return server.get().send("GET", server.get().adminUri(path), null, headers);
  }

  /** The 401 of the Admin API: status, WWW-Authenticate, problem+json with code unauthorized. */
  private static void assertUnauthorized(Answer a) {
    assertThat(a.status()).as("status of %s", a.text()).isEqualTo(401);
    assertThat(a.header("WWW-Authenticate")).isNotBlank().startsWithIgnoringCase("Bearer");
    assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    JsonNode body = a.json();
    assertThat(body.path("code").asText()).isEqualTo("unauthorized");
    assertThat(body.path("status").asInt()).isEqualTo(401);
    assertThat(body.path("type").asText()).endsWith("unauthorized");
    assertThat(body.path("title").asText()).isNotBlank();
  }

  @Test
  void adminRoute_withoutKey_returns401Problem() {
    assertUnauthorized(get("/admin/customers", Map.of()));
  }

  @Test
  void adminRoute_withWrongBearerKey_returns401() {
    assertUnauthorized(get("/admin/customers", Map.of("Authorization", "Bearer wrong-" + RunningTollgate.ADMIN_KEY)));
  }

  @Test
  void adminRoute_withWrongXApiKey_returns401() {
    assertUnauthorized(get("/admin/customers", Map.of("x-api-key", "wrong")));
  }

  @Test
  void adminRoute_withAdminKeyUnderBasicScheme_returns401() {
    assertUnauthorized(get("/admin/customers", Map.of("Authorization", "Basic " + RunningTollgate.ADMIN_KEY)));
  }

  @Test
  void adminRoute_withEmptyBearer_returns401() {
    assertUnauthorized(get("/admin/customers", Map.of("Authorization", "Bearer ")));
  }

  @Test
  void adminRoute_withCustomersApiKey_returns401() {
    Answer created = server.get().admin("POST", "/admin/customers", "{\"customer_id\":\"auth-customer-key\"}");
    assertThat(created.status()).isEqualTo(201);
    String customerKey = created.json().path("api_key").path("key").asText();
    assertThat(customerKey).startsWith("tg_live_");

    assertUnauthorized(get("/admin/customers", Map.of("Authorization", "Bearer " + customerKey)));
    assertUnauthorized(get("/admin/customers", Map.of("x-api-key", customerKey)));
  }

  @Test
  void adminRoute_withBearerAdminKey_isAccepted() {
    Answer a = get("/admin/tiers", Map.of("Authorization", "Bearer " + RunningTollgate.ADMIN_KEY));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().path("tiers").isArray()).isTrue();
  }

  @Test
  void adminRoute_withLowerCaseBearerScheme_isAccepted() {
    assertThat(get("/admin/tiers", Map.of("Authorization", "bearer " + RunningTollgate.ADMIN_KEY)).status())
        .isEqualTo(200);
    assertThat(get("/admin/tiers", Map.of("Authorization", "BEARER " + RunningTollgate.ADMIN_KEY)).status())
        .isEqualTo(200);
  }

  @Test
  void adminRoute_withXApiKey_isAccepted() {
    Answer a = get("/admin/tiers", Map.of("x-api-key", RunningTollgate.ADMIN_KEY));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().path("tiers").isArray()).isTrue();
  }

  @Test
  void adminRoute_withBothHeadersEqual_isAccepted() {
    assertThat(get("/admin/tiers", Map.of("Authorization", "Bearer " + RunningTollgate.ADMIN_KEY,
        "x-api-key", RunningTollgate.ADMIN_KEY)).status()).isEqualTo(200);
  }

  @Test
  void adminRoute_withBothHeadersDifferent_returns401() {
    assertUnauthorized(get("/admin/tiers", Map.of("Authorization", "Bearer " + RunningTollgate.ADMIN_KEY,
        "x-api-key", "something-else")));
    assertUnauthorized(get("/admin/tiers", Map.of("Authorization", "Bearer something-else",
        "x-api-key", RunningTollgate.ADMIN_KEY)));
  }

  @Test
  void createCustomer_withoutKey_returns401AndCreatesNothing() {
    Answer refused = server.get().send("POST", server.get().adminUri("/admin/customers"),
        "{\"customer_id\":\"auth-sneaky\"}", Map.of());
    assertUnauthorized(refused);
    Answer lookup = server.get().admin("GET", "/admin/customers/auth-sneaky");
    assertThat(lookup.status()).isEqualTo(404);
    assertThat(lookup.json().path("code").asText()).isEqualTo("customer_not_found");
  }

  @Test
  void health_onAdminListenerWithoutKey_returnsOk() {
    Answer a = server.get().send("GET", server.get().adminUri("/health"), null, Map.of());
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.json().path("status").asText()).isEqualTo("ok");
    assertThat(a.json().path("registry").asText()).isEqualTo("ok");
    assertThat(a.json().path("registry_age_ms").isIntegralNumber()).isTrue();
  }

  @Test
  void health_onGateListenerWithoutKey_returnsOk() {
    Answer a = server.get().send("GET", server.get().gateUri("/health"), null, Map.of());
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.json().path("status").asText()).isEqualTo("ok");
    assertThat(a.json().path("registry").asText()).isEqualTo("ok");
  }

  @Test
  void unknownAdminRoute_withKey_returns404NotFoundProblem() {
    Answer a = server.get().admin("GET", "/admin/nothing-here");
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    assertThat(a.json().path("code").asText()).isEqualTo("not_found");
    assertThat(a.json().path("status").asInt()).isEqualTo(404);
  }

  @Test
  void unknownRouteOutsideAdmin_returns404NotFoundProblem() {
    Answer a = server.get().send("GET", server.get().adminUri("/nothing-here"), null, Map.of());
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    assertThat(a.json().path("code").asText()).isEqualTo("not_found");
  }

  @Test
  void unknownAdminRoute_withoutKey_returns401() {
    assertUnauthorized(get("/admin/nothing-here", Map.of()));
  }

  @Test
  void knownAdminPath_withUnsupportedMethod_returns405Problem() {
    Answer a = server.get().admin("PUT", "/admin/tiers", "{}");
    assertThat(a.status()).isEqualTo(405);
    assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    assertThat(a.json().path("code").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void requestId_valid_isEchoed() {
    String id = "req-123_abc.def:42";
    Answer a = get("/admin/tiers", Map.of("Authorization", "Bearer " + RunningTollgate.ADMIN_KEY, "X-Request-Id", id));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("X-Request-Id")).isEqualTo(id);
  }

  @Test
  void requestId_of128Characters_isEchoed() {
    String id = "a".repeat(128);
    Answer a = get("/admin/tiers", Map.of("x-api-key", RunningTollgate.ADMIN_KEY, "X-Request-Id", id));
    assertThat(a.header("X-Request-Id")).isEqualTo(id);
  }

  @Test
  void requestId_withSpace_isReplaced() {
    Answer a = get("/admin/tiers", Map.of("x-api-key", RunningTollgate.ADMIN_KEY, "X-Request-Id", "bad id"));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("X-Request-Id")).isNotEqualTo("bad id").matches(REQUEST_ID_PATTERN);
  }

  @Test
  void requestId_of200Characters_isReplaced() {
    String id = "b".repeat(200);
    Answer a = get("/admin/tiers", Map.of("x-api-key", RunningTollgate.ADMIN_KEY, "X-Request-Id", id));
    assertThat(a.header("X-Request-Id")).isNotEqualTo(id).matches(REQUEST_ID_PATTERN);
  }

  @Test
  void requestId_absent_isGenerated() {
    Answer first = get("/admin/tiers", Map.of("x-api-key", RunningTollgate.ADMIN_KEY));
    Answer second = get("/admin/tiers", Map.of("x-api-key", RunningTollgate.ADMIN_KEY));
    assertThat(first.header("X-Request-Id")).matches(REQUEST_ID_PATTERN);
    assertThat(second.header("X-Request-Id")).matches(REQUEST_ID_PATTERN).isNotEqualTo(first.header("X-Request-Id"));
  }

  @Test
  void requestId_onRefusal_isEchoedInHeaderAndProblemBody() {
    Answer a = get("/admin/customers", Map.of("X-Request-Id", "trace-401"));
    assertUnauthorized(a);
    assertThat(a.header("X-Request-Id")).isEqualTo("trace-401");
    assertThat(a.json().path("request_id").asText()).isEqualTo("trace-401");
  }

  @Test
  void requestId_onHealth_isEchoed() {
    Answer a = server.get().send("GET", server.get().adminUri("/health"), null, Map.of("X-Request-Id", "health-1"));
    assertThat(a.header("X-Request-Id")).isEqualTo("health-1");
  }

  @Test
  void unauthorized_forEveryCause_hasTheSameBodyApartFromTheRequestId() {
    Answer created = server.get().admin("POST", "/admin/customers", "{\"customer_id\":\"auth-same-body\"}");
    String customerKey = created.json().path("api_key").path("key").asText();
    List<Map<String, String>> causes = List.of(
        Map.of(),
        Map.of("Authorization", "Bearer wrong"),
        Map.of("x-api-key", "wrong"),
        Map.of("Authorization", "Bearer " + customerKey),
        Map.of("Authorization", "Basic " + RunningTollgate.ADMIN_KEY),
        Map.of("Authorization", "Bearer " + RunningTollgate.ADMIN_KEY, "x-api-key", "other"));
    JsonNode reference = null;
    for (Map<String, String> headers : causes) {
      Answer a = get("/admin/customers", headers);
      assertUnauthorized(a);
      ObjectNode body = (ObjectNode) a.json();
      body.remove("request_id");
      if (reference == null) {
        reference = body;
      }
      assertThat(body).as("401 body for %s", headers.keySet()).isEqualTo(reference);
    }
  }

  @Test
  void requestId_onNotFoundAndMethodNotAllowed_isEchoed() {
    Map<String, String> headers = Map.of("x-api-key", RunningTollgate.ADMIN_KEY, "X-Request-Id", "trace-404");
    Answer notFound = get("/admin/nothing-here", headers);
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.header("X-Request-Id")).isEqualTo("trace-404");
    assertThat(notFound.json().path("request_id").asText()).isEqualTo("trace-404");
    Answer notAllowed = server.get().send("PUT", server.get().adminUri("/admin/tiers"), "{}", headers);
    assertThat(notAllowed.status()).isEqualTo(405);
    assertThat(notAllowed.header("X-Request-Id")).isEqualTo("trace-404");
  }

  @Test
  void health_onGateListener_echoesRequestId() {
    Answer a = server.get().send("GET", server.get().gateUri("/health"), null, Map.of("X-Request-Id", "gate-health-1"));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("X-Request-Id")).isEqualTo("gate-health-1");
  }

  // ------------------------------------------------- refusals of the listener itself, sent on a raw socket

  /** Sends {@code request} as is and reads until the server closes or stops sending. */
  private static String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.get().server.adminPort())) {
      socket.setSoTimeout(3000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      try {
        in.transferTo(out);
      } catch (SocketTimeoutException e) {
        // keep-alive: what arrived is the answer
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static int rawStatus(String response) {
    assertThat(response).startsWith("HTTP/1.");
    return Integer.parseInt(response.substring(9, 12));
  }

  private static void assertRawProblem(String response, int status) throws IOException {
    assertThat(rawStatus(response)).as(response).isEqualTo(status);
    int split = response.indexOf("\r\n\r\n");
    String head = response.substring(0, split).toLowerCase(Locale.ROOT);
    assertThat(head).as(response).contains("content-type: application/problem+json", "cache-control: no-store",
        "x-content-type-options: nosniff");
    JsonNode body = JSON.readTree(response.substring(split + 4));
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("code").asText()).isNotBlank();
  }

  @Test
  void oversizedHeaders_return431WithProblemBody() throws IOException {
    String response = raw("GET /admin/tiers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nx-api-key: "
        + RunningTollgate.ADMIN_KEY + "\r\nX-Filler: " + "a".repeat(40_000) + "\r\n\r\n");
    assertRawProblem(response, 431);
  }

  @Test
  void oversizedRequestLine_returns414WithProblemBody() throws IOException {
    String response = raw("GET /admin/tiers?pad=" + "a".repeat(9000) + " HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\nx-api-key: " + RunningTollgate.ADMIN_KEY + "\r\n\r\n");
    assertRawProblem(response, 414);
  }

  @Test
  void contentLengthWithTransferEncoding_returns400AndChangesNothing() throws IOException {
    String body = "{\"customer_id\":\"auth-smuggled\"}";
    String chunk = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
    String response = raw("POST /admin/customers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nx-api-key: "
        + RunningTollgate.ADMIN_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + chunk.length()
        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk);
    assertRawProblem(response, 400);
    assertThat(server.get().admin("GET", "/admin/customers/auth-smuggled").status()).isEqualTo(404);
  }

  @Test
  void invalidChunkSize_afterAWholeJsonBody_returns400AndChangesNothing() throws IOException {
    String body = "{\"customer_id\":\"auth-bad-chunk\"}";
    String response = raw("POST /admin/customers HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + RunningTollgate.ADMIN_KEY
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(body.length()) + "\r\n" + body + "\r\nzz\r\n0\r\n\r\n");
    assertRawProblem(response, 400);
    assertThat(server.get().admin("GET", "/admin/customers/auth-bad-chunk").status()).isEqualTo(404);
  }

  @Test
  void adminRoute_withCredentialHeaderTwice_returns401() throws IOException {
    String twice = raw("GET /admin/tiers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nx-api-key: "
        + RunningTollgate.ADMIN_KEY + "\r\nx-api-key: " + RunningTollgate.ADMIN_KEY + "\r\n\r\n");
    assertRawProblem(twice, 401);
    String bearerTwice = raw("GET /admin/tiers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + "Authorization: Bearer " + RunningTollgate.ADMIN_KEY + "\r\nAuthorization: Bearer "
        + RunningTollgate.ADMIN_KEY + "\r\n\r\n");
    assertRawProblem(bearerTwice, 401);
  }

  @Test
  void rawRequest_wellFramed_isAnswered() throws IOException {
    String response = raw("GET /admin/tiers HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + RunningTollgate.ADMIN_KEY
        + "\r\nConnection: close\r\n\r\n");
    assertThat(rawStatus(response)).isEqualTo(200);
  }
}
