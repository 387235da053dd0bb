package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate.Answer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx in front of the engine asks Tollgate with {@code auth_request} ({@code GET /v1/authorize}): the recommended
 * configuration of docs/operations.md, run against a real nginx. nginx passes only 401 and 403 of an auth
 * subrequest on and turns every other refusal into 500, so the configuration maps Tollgate's 429 back with
 * {@code error_page}. The test fails when nginx is missing: run scripts/test-services.sh.
 */
final class NginxAuthRequestTest {
  @TempDir static Path dir;
  static GateFixture f;
  static Nginx nginx;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "", Map.of());
    nginx = Nginx.start(serverBlock(f.tollgate.server.gatePort(), f.engine.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (nginx != null) {
        nginx.close();
      }
    } finally {
      if (f != null) {
        f.close();
      }
    }
  }

  /** The {@code server} block: every {@code /v1/} request is authorized by Tollgate, then proxied to the engine. */
  static String serverBlock(int gatePort, int enginePort) {
    return """
            location /v1/ {
              auth_request /_tollgate;
              auth_request_set $tg_customer $upstream_http_x_tollgate_customer;
              auth_request_set $tg_key_id $upstream_http_x_tollgate_key_id;
              auth_request_set $tg_status $upstream_status;
              auth_request_set $tg_retry_after $upstream_http_retry_after;
              auth_request_set $tg_ratelimit $upstream_http_ratelimit;
              auth_request_set $tg_ratelimit_policy $upstream_http_ratelimit_policy;
              proxy_set_header X-Tollgate-Customer $tg_customer;
              proxy_set_header X-Tollgate-Key-Id $tg_key_id;
              proxy_set_header Authorization "";
              proxy_set_header X-Api-Key "";
              add_header RateLimit $tg_ratelimit always;
              add_header RateLimit-Policy $tg_ratelimit_policy always;
              error_page 500 = @tollgate_refused;
              proxy_pass http://127.0.0.1:%2$d;
            }
            location = /_tollgate {
              internal;
              proxy_pass http://127.0.0.1:%1$d/v1/authorize;
              proxy_pass_request_body off;
              proxy_set_header Content-Length "";
              proxy_set_header X-Original-URI $request_uri;
              proxy_set_header X-Original-Method $request_method;
            }
            location @tollgate_refused {
              if ($tg_status = 429) {
                add_header Retry-After $tg_retry_after always;
                return 429;
              }
              return 500;
            }
        """.formatted(gatePort, enginePort);
  }

  private static Answer viaNginx(String method, String path, Map<String, String> headers) {
    return f.tollgate.send(method, URI.create(nginx.url(path)), null, headers);
  }

  private static Map<String, String> bearer(String key) {
    return Map.of("Authorization", "Bearer " + key);
  }

  @Test
  void authRequest_goodKey_reachesEngineWithCustomer_andNoKey() {
    String key = f.customer("{\"customer_id\":\"nginx-good\"}");
    Answer a = viaNginx("GET", "/v1/default/items/good", bearer(key));
    assertThat(a.status()).as(nginx.errorLog()).isEqualTo(200);
    assertThat(a.json().get("path").asText()).isEqualTo("/v1/default/items/good");
    assertThat(a.header("RateLimit")).contains("\"rate\";r=");
    assertThat(a.header("RateLimit-Policy")).contains("\"quota\";q=");
    TestEngine.Seen seen = f.engine.seen.stream().filter(s -> s.uri().equals("/v1/default/items/good"))
        .findFirst().orElseThrow();
    assertThat(seen.header("X-Tollgate-Customer")).isEqualTo("nginx-good");
    assertThat(seen.header("X-Tollgate-Key-Id")).startsWith("key_");
    assertThat(seen.header("Authorization")).isNull();
  }

  /**
   * nginx merges the slashes to pick the location but sends {@code $request_uri} as it came, to Tollgate and to the
   * engine alike: Tollgate must check {@code //v1/v1/default/items/doubled} (no route matches it), never the
   * {@code /v1/default/items/doubled} that {@code java.net.URI} reads in it, which would let a path through that
   * Tollgate never checked.
   */
  @Test
  void authRequest_pathWithADoubledLeadingSlash_isCheckedAsNginxForwardsIt_andNeverReachesEngine() {
    String key = f.customer("{\"customer_id\":\"nginx-doubled\",\"namespaces\":[\"default\"]}");
    Answer a = viaNginx("GET", "//v1/v1/default/items/doubled", bearer(key));
    assertThat(a.status()).as(nginx.errorLog()).isNotEqualTo(200);
    assertThat(f.engine.seen).noneMatch(s -> s.uri().endsWith("/items/doubled"));
  }

  @Test
  void authRequest_badKey_is401WithWwwAuthenticate_andNeverReachesEngine() {
    Answer a = viaNginx("GET", "/v1/default/items/bad", bearer("tg_live_thisIsNotAKnownKey0123456789"));
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.header("WWW-Authenticate")).contains("invalid_token");
    assertThat(f.engine.seen).noneMatch(s -> s.uri().equals("/v1/default/items/bad"));
  }

  @Test
  void authRequest_noKey_is401() {
    Answer a = viaNginx("GET", "/v1/default/items/none", Map.of());
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(f.engine.seen).noneMatch(s -> s.uri().equals("/v1/default/items/none"));
  }

  @Test
  void authRequest_suspendedCustomer_is403() {
    String key = f.customer("{\"customer_id\":\"nginx-suspended\"}");
    assertThat(viaNginx("GET", "/v1/default/items/before", bearer(key)).status()).isEqualTo(200);
    assertThat(f.tollgate.admin("PATCH", "/admin/customers/nginx-suspended", "{\"active\":false}").status())
        .isEqualTo(200);
    assertThat(viaNginx("GET", "/v1/default/items/after", bearer(key)).status()).isEqualTo(403);
    assertThat(f.engine.seen).noneMatch(s -> s.uri().equals("/v1/default/items/after"));
  }

  @Test
  void authRequest_rateLimited_is429WithRetryAfter_throughErrorPage() {
    String key = f.customer("{\"customer_id\":\"nginx-limited\","
        + "\"limits\":{\"rate_limit\":{\"requests\":1,\"window_s\":3600}}}");
    assertThat(viaNginx("GET", "/v1/default/items/first", bearer(key)).status()).isEqualTo(200);
    Answer a = viaNginx("GET", "/v1/default/items/second", bearer(key));
    assertThat(a.status()).isEqualTo(429);
    assertThat(Long.parseLong(a.header("Retry-After"))).isPositive();
    assertThat(f.engine.seen).noneMatch(s -> s.uri().equals("/v1/default/items/second"));
  }
}
