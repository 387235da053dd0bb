package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.SharedTollgate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin listener answers only for its own names (DNS rebinding), on raw HTTP since a client library sets
 * {@code Host} itself: {@code 421 misdirected_request} for any other, on every path.
 */
final class AdminListenerHostTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final SharedTollgate server = new SharedTollgate();
  @TempDir Path dir;

  private static RawHttp.Response get(int port, String host, String path) throws Exception {
    return send(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
  }

  /** Sends {@code head} (request line and headers, without the blank line) with the admin key; one response. */
  private static RawHttp.Response send(int port, String head) throws Exception {
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(5))) {
      c.send(head + "Authorization: Bearer " + RunningTollgate.ADMIN_KEY + "\r\nConnection: close\r\n\r\n");
      return c.read();
    }
  }

  private static void assertMisdirected(RawHttp.Response r) throws Exception {
    assertThat(r.status()).as(r.head()).isEqualTo(421);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    JsonNode problem = JSON.readTree(r.text());
    assertThat(problem.path("code").asText()).isEqualTo("misdirected_request");
    assertThat(problem.path("status").asInt()).isEqualTo(421);
    assertThat(problem.path("type").asText()).isEqualTo("urn:tollgate:problem:misdirected_request");
  }

  private static int port() {
    return server.get().server.adminPort();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/metrics", "/console/", "/admin/customers", "/admin/tiers", "/health", "/nope"})
  void anyPath_withAForeignHost_returns421(String path) throws Exception {
    server.get().admin("POST", "/admin/customers", "{\"customer_id\":\"host-check\"}");
    for (String host : new String[] {"evil.example", "evil.example:" + port(), "localhost.evil.example",
        "127.0.0.1.evil.example", "192.0.2.1", "[2001:db8::1]:" + port(), ""}) {
      RawHttp.Response r = get(port(), host, path);
      assertMisdirected(r);
      assertThat(r.text()).doesNotContain("host-check", "tollgate_");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:abc", "localhost:1:2", "[::1", "local host"})
  void malformedHost_returns400_notCachedEither(String host) throws Exception {
    RawHttp.Response r = get(port(), host, "/admin/customers");
    assertThat(r.status()).as(r.head()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "[::1]", "127.0.0.2"})
  void loopbackNames_withOrWithoutThePort_areAnswered(String host) throws Exception {
    for (String authority : new String[] {host, host + ":" + port(), host + ":8081"}) {
      assertThat(get(port(), authority, "/admin/customers").status()).as(authority).isEqualTo(200);
      assertThat(get(port(), authority, "/metrics").status()).as(authority).isEqualTo(200);
      assertThat(get(port(), authority, "/console/").status()).as(authority).isEqualTo(200);
    }
  }

  @Test
  void requestWithoutHost_orNamingAnotherHostInItsTarget_returns421_andTwoHostsAre400() throws Exception {
    assertMisdirected(send(port(), "GET /admin/tiers HTTP/1.0\r\n"));
    assertThat(send(port(), "GET /admin/tiers HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n").status())
        .isEqualTo(400);
    assertMisdirected(send(port(), "GET http://evil.example/admin/tiers HTTP/1.1\r\nHost: localhost\r\n"));
    assertThat(send(port(), "GET http://localhost/admin/tiers HTTP/1.1\r\nHost: localhost\r\n").status())
        .isEqualTo(200);
  }

  @Test
  void configuredAllowedHosts_fromFileAndEnvironment_areAnswered() throws Exception {
    Path config = Files.writeString(dir.resolve("tollgate.yaml"),
        "admin:\n  allowed_hosts: [Admin.Example.com, 10.1.2.3]\n");
    try (RunningTollgate t = RunningTollgate.start(dir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY",
        RunningTollgate.ADMIN_KEY, "TOLLGATE_ADMIN_ALLOWED_HOSTS", "ops.internal, tollgate-admin"),
        Optional.of(config))) {
      int port = t.server.adminPort();
      for (String host : new String[] {"admin.example.com", "ADMIN.example.com:443", "ops.internal",
          "tollgate-admin:" + port, "10.1.2.3", "localhost"}) {
        assertThat(get(port, host, "/admin/tiers").status()).as(host).isEqualTo(200);
      }
      assertMisdirected(get(port, "evil.example", "/admin/tiers"));
      assertMisdirected(get(port, "example.com", "/admin/tiers"));
      assertMisdirected(get(port, "10.1.2.4", "/metrics"));
    }
  }

  @Test
  void wildcardListen_answersEveryIpAddress_butNoUnlistedName() throws Exception {
    try (RunningTollgate t = RunningTollgate.start(dir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY",
        RunningTollgate.ADMIN_KEY, "TOLLGATE_ADMIN_LISTEN", "0.0.0.0:0"), Optional.empty())) {
      int port = t.server.adminPort();
      for (String host : new String[] {"192.0.2.10:8081", "10.0.0.5", "[2001:db8::5]:8081", "localhost"}) {
        assertThat(get(port, host, "/admin/tiers").status()).as(host).isEqualTo(200);
      }
      assertMisdirected(get(port, "evil.example", "/admin/tiers"));
      assertMisdirected(get(port, "evil.example:" + port, "/console/"));
    }
  }
}
