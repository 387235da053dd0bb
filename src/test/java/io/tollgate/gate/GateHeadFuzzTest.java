package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.edge.FuzzBytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the gate's request head and body framing over real sockets: a valid request (or a refusal from the corpus)
 * with random edits (bytes that break parsers, replaced, inserted or removed, anywhere but in its marker), and a
 * valid request pipelined behind it. Property: every answer the client gets is a 2xx, 4xx or a deliberate 5xx
 * (never a 500); after an answer that closes the connection (every refusal of an ambiguous request), nothing more is
 * answered or forwarded; and the requests the engine sees whole are exactly those the client got a 2xx for. Bounded: a fixed number of tries, well under 60 s.
 */
final class GateHeadFuzzTest {
  private static final byte[] INTERESTING = "\r\n:; \t,0fF\u0000\u007f\u0080\u00ff\\/%.#?_-xX".getBytes(
      StandardCharsets.ISO_8859_1);
  private static final List<String> TEMPLATES = List.of(
      "GET /v1/default/items/{MARK} HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer {KEY}\r\n\r\n",
      "PUT /v1/default/items/{MARK} HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer {KEY}\r\nContent-Length: 5\r\n\r\n"
          + "hello",
      "PUT /v1/default/items/{MARK} HTTP/1.1\r\nHost: gate\r\nx-api-key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nX-T: v\r\n\r\n",
      "GET /v1/default/items/{MARK}?q=a HTTP/1.0\r\nHost: gate:80\r\nAuthorization: Bearer {KEY}\r\n"
          + "Connection: keep-alive\r\n\r\n");
  private static final AtomicInteger TRIES = new AtomicInteger();

  static Path dir;
  static GateFixture f;
  static String key;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("tollgate-fuzz");
    f = GateFixture.start(dir, "", Map.of());
    key = f.customer("{\"customer_id\":\"fuzz-1\",\"tier\":\"enterprise\"}");
  }

  @AfterContainer
  static void stop() {
    f.close();
  }

  /** One edit of a request's bytes: replace, insert before, or remove the byte at a position. */
  record Edit(int kind, int at, byte value) {}

  @Property(tries = 200)
  void editedRequest_isForwardedWhole_orRefusedWithNothingAfter(@ForAll("templates") String template,
      @ForAll("edits") List<Edit> edits) throws Exception {
    String mark = "fz" + TRIES.incrementAndGet() + "x";
    byte[] request = edit(template, mark, edits);
    String after = "GET /v1/default/items/" + mark + "-after HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer " + key
        + "\r\nConnection: close\r\n\r\n";
    String answer = RawHttp.exchange(f.tollgate.server.gatePort(),
        new String(request, StandardCharsets.ISO_8859_1) + after, 400);
    List<Integer> statuses = RawHttp.statuses(answer);
    String why = FuzzBytes.printable(request) + "\n=> " + statuses;

    assertThat(statuses).as(why).doesNotContain(500);
    int closing = indexOfFirstClosingAnswer(answer);
    if (closing >= 0) {
      assertThat(statuses).as("answers after one that closed the connection: " + why).hasSize(closing + 1);
    }
    if (!statuses.isEmpty() && statuses.get(0) >= 400 && statuses.size() > 1) {
      assertThat(closing).as("a refusal that kept the connection: " + why).isNotEqualTo(0);
    }
    String barrier = "/v1/default/items/" + mark + "-barrier";
    assertThat(f.gate("GET", barrier, key).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(2)).until(() -> f.engine.seen.stream().anyMatch(s -> s.uri().equals(barrier)));
    long forwardedWhole = f.engine.seen.stream()
        .filter(s -> s.complete() && s.uri().contains(mark) && !s.uri().equals(barrier)).count();
    long answered2xx = statuses.stream().filter(s -> s >= 200 && s < 300).count();
    assertThat(forwardedWhole).as("requests the engine saw whole vs 2xx answers: " + why).isEqualTo(answered2xx);
    if (edits.isEmpty() && TEMPLATES.contains(template) && template.startsWith("PUT")) {
      TestEngine.Seen seen = f.engine.seen.stream().filter(s -> s.uri().endsWith(mark)).findFirst().orElseThrow();
      assertThat(seen.bodyBytes()).isEqualTo(template.contains("chunked") ? 8 : 5);
    }
  }

  @Provide
  Arbitrary<String> templates() {
    List<String> seeds = new ArrayList<>(TEMPLATES);
    RefusalCorpus.cases().forEach(c -> seeds.add(c.template()));
    return Arbitraries.of(seeds);
  }

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Byte> value = Arbitraries.of(FuzzBytes.asList(INTERESTING));
    return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 1 << 16), value)
        .as(Edit::new).list().ofMaxSize(3);
  }

  /** The template with the edits applied outside {@code {MARK}}, then the key and the marker filled in. */
  private static byte[] edit(String template, String mark, List<Edit> edits) {
    String withKey = template.replace("{KEY}", key);
    int m = withKey.indexOf("{MARK}");
    byte[] before = withKey.substring(0, m).getBytes(StandardCharsets.ISO_8859_1);
    byte[] behind = withKey.substring(m + "{MARK}".length()).getBytes(StandardCharsets.ISO_8859_1);
    for (Edit e : edits) {
      if (e.at() % 2 == 0) {
        before = apply(before, e);
      } else {
        behind = apply(behind, e);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before);
    out.writeBytes(mark.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(behind);
    return out.toByteArray();
  }

  private static byte[] apply(byte[] b, Edit e) {
    if (b.length == 0) {
      return b;
    }
    int i = (e.at() / 2) % b.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, i);
    if (e.kind() != 2) {
      out.write(e.value());
    }
    int rest = e.kind() == 1 ? i : i + 1;
    out.write(b, rest, b.length - rest);
    return out.toByteArray();
  }

  /** The index of the first answer in {@code answer} that carries {@code Connection: close}, or -1. */
  private static int indexOfFirstClosingAnswer(String answer) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP/1\\.[01] \\d{3}").matcher(answer);
    for (int i = 0; m.find(); i++) {
      int end = answer.indexOf("\r\n\r\n", m.start());
      String head = (end < 0 ? answer.substring(m.start()) : answer.substring(m.start(), end))
          .toLowerCase(java.util.Locale.ROOT);
      if (head.contains("\r\nconnection: close")) {
        return i;
      }
    }
    return -1;
  }
}
