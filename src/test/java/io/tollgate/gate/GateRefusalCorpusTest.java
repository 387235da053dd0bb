package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request of the refusal corpus, with a valid request pipelined behind it: the client's first answer is a 4xx
 * or 5xx (or none) and the engine never sees the refused request. The pipelined one reaches the engine only when
 * the client got its answer, which happens only when the refusal left the framing unambiguous (a 401 on a clean
 * connection); after a framing refusal the connection is closed and nothing behind it is read.
 */
final class GateRefusalCorpusTest {
  @TempDir static Path dir;
  static GateFixture f;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    f = GateFixture.start(dir, "", Map.of());
    key = f.customer("{\"customer_id\":\"corpus-1\",\"tier\":\"enterprise\"}");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static List<RefusalCorpus.Case> corpus() {
    return RefusalCorpus.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void corpusRequest_isRefused_andNothingOfItsConnectionReachesTheEngine(RefusalCorpus.Case c) throws Exception {
    String mark = EdgeAssertions.marker("corpus", c.name());
    String after = "GET /v1/default/items/" + mark + "-after HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
        + "\r\nConnection: close\r\n\r\n";
    String answer = RawHttp.exchange(f.tollgate.server.gatePort(),
        new String(c.bytes(key, mark), java.nio.charset.StandardCharsets.ISO_8859_1) + after, 1500);
    List<Integer> statuses = RawHttp.statuses(answer);
    assertThat(statuses).as(answer).hasSizeLessThanOrEqualTo(2);
    statuses.stream().findFirst().ifPresent(s -> assertThat(s).as(answer).isBetween(400, 599));
    long pipelinedAnswered = statuses.stream().skip(1).filter(s -> s == 200).count();
    String barrier = "/v1/default/items/" + mark + "-barrier";
    assertThat(f.gate("GET", barrier, key).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(2)).until(() -> f.engine.started.contains(barrier));
    assertThat(f.engine.started).filteredOn(u -> u.contains(mark) && !u.equals(barrier) && !u.endsWith("-after"))
        .isEmpty();
    assertThat(f.engine.started).filteredOn(u -> u.equals("/v1/default/items/" + mark + "-after"))
        .hasSize((int) pipelinedAnswered);
  }
}
