package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/** Assertions of the edge tests: a refusal is a problem body, and a refused connection forwards nothing. */
final class EdgeAssertions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EdgeAssertions() {}

  static void assertProblem(RawHttp.Response r, int status) throws IOException {
    assertThat(r.status()).as(r.head() + r.text()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("code").asText()).isNotBlank();
  }

  /** A marker for a case's URIs, from its name. */
  static String marker(String prefix, String name) {
    return prefix + "-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
  }

  /**
   * A request sent after the case reaches the engine as the only one since {@code before}, and stays so for a
   * moment: nothing of the refused request or of the one pipelined behind it was forwarded.
   */
  static void assertNothingElseReachedTheEngine(GateFixture f, String key, int before, String marker) {
    assertThat(f.gate("GET", "/v1/default/items/" + marker + "-barrier", key).status()).isEqualTo(200);
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).untilAsserted(() ->
        assertThat(f.engine.seen.subList(before, f.engine.seen.size())).extracting(TestEngine.Seen::uri)
            .containsExactly("/v1/default/items/" + marker + "-barrier"));
  }
}
