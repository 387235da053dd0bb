package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate.Answer;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every answer of the admin listener, errors included, is {@code Cache-Control: no-store} and {@code nosniff}
 * (any could carry a secret or customer data); only the console's content-hashed assets may be cached.
 */
final class AdminAnswerHeadersTest {
  @RegisterExtension static final SharedTollgate server = new SharedTollgate();

  private static Answer anonymous(String method, String path, String body) {
    return server.get().send(method, server.get().adminUri(path), body, Map.of());
  }

  private static void assertNeverStored(Answer a, String what) {
    assertThat(a.header("Cache-Control")).as(what + " " + a.status()).isEqualTo("no-store");
    assertThat(a.header("X-Content-Type-Options")).as(what + " " + a.status()).isEqualTo("nosniff");
  }

  @Test
  void everyAdminAnswer_successOrError_isNoStoreAndNosniff() {
    RunningTollgate t = server.get();
    Answer created = t.admin("POST", "/admin/customers", "{\"customer_id\":\"cache-1\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().path("api_key").path("key").asText()).startsWith("tg_live_");
    String keyId = created.json().path("api_key").path("key_id").asText();
    Answer rotated = t.admin("POST", "/admin/customers/cache-1/keys/" + keyId + "/rotate", "{}");
    assertThat(rotated.status()).isEqualTo(201);
    Map<String, Answer> answers = new java.util.LinkedHashMap<>();
    answers.put("create with secret", created);
    answers.put("rotate with secret", rotated);
    answers.put("list", t.admin("GET", "/admin/customers"));
    answers.put("get", t.admin("GET", "/admin/customers/cache-1"));
    answers.put("audit", t.admin("GET", "/admin/audit"));
    answers.put("openapi", t.admin("GET", "/admin/openapi.yaml"));
    answers.put("401", anonymous("GET", "/admin/customers", null));
    answers.put("404 customer", t.admin("GET", "/admin/customers/nobody"));
    answers.put("404 route", t.admin("GET", "/admin/nothing-here"));
    answers.put("405", t.admin("PUT", "/admin/customers", "{}"));
    answers.put("422", t.admin("POST", "/admin/customers", "{\"customer_id\":\"Not A Slug\"}"));
    answers.put("400 json", t.admin("POST", "/admin/customers", "{not json"));
    answers.put("metrics", anonymous("GET", "/metrics", null));
    answers.put("health", anonymous("GET", "/health", null));
    answers.put("console page", anonymous("GET", "/console/", null));
    answers.put("console missing asset", anonymous("GET", "/console/assets/nope-12345678.js", null));
    answers.put("console redirect", anonymous("GET", "/console", null));
    assertThat(answers.values().stream().map(Answer::status).distinct().toList())
        .contains(200, 201, 301, 400, 401, 404, 405, 422);
    answers.forEach((what, a) -> assertNeverStored(a, what));
  }

  @Test
  void consoleHashedAssets_mayBeCached_andAreNosniff() {
    String page = anonymous("GET", "/console/", null).text();
    Matcher m = Pattern.compile("(?:src|href)=\"(/console/assets/[^\"]+)\"").matcher(page);
    List<String> assets = m.results().map(r -> r.group(1)).toList();
    assertThat(assets).isNotEmpty();
    for (String asset : assets) {
      Answer a = anonymous("GET", asset, null);
      assertThat(a.header("Cache-Control")).as(asset).isEqualTo("public, max-age=31536000, immutable");
      assertThat(a.header("X-Content-Type-Options")).as(asset).isEqualTo("nosniff");
    }
  }
}
