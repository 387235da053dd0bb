package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy streams bodies with back-pressure instead of holding them: Tollgate in its own process with a 96 MiB
 * heap (direct memory defaults to the same) carries a 100 MB upload and a 100 MB download intact, and lives on.
 * The receiving side stops reading for a while after the first bytes, as a slow peer would: a gate that read on
 * regardless would have to hold most of the body meanwhile.
 */
final class BoundedMemoryUploadTest {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedMemoryUploadTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SIZE = 100_000_000;
  private static final Duration STALL = Duration.ofSeconds(2);
  /** Smaller than one body; an OutOfMemoryError ends the process instead of leaving it half broken. */
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1");

  @TempDir static Path dir;
  static TestEngine engine;
  static TollgateProcess tollgate;
  static String key;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    engine = new TestEngine();
    tollgate = TollgateProcess.start(dir, "gate:\n  engine: " + engine.url() + "\n", JVM_OPTIONS);
    key = tollgate.customer("{\"customer_id\":\"big-1\",\"tier\":\"enterprise\"}");
  }

  @AfterAll
  static void stop() throws Exception {
    tollgate.close();
    engine.close();
  }

  @Test
  void upload_of100MB_reachesTheEngineWhole_andTheProcessLivesOn() throws Exception {
    GeneratedBody body = new GeneratedBody(SIZE, 42);
    HttpRequest request = HttpRequest.newBuilder(gate("/v1/default/serve/upload/" + STALL.toMillis()))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(120))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();
    long started = System.nanoTime();
    HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
    logRate("upload", started);

    assertThat(answer.statusCode()).as(answer.body() + tollgate.output()).isEqualTo(200);
    assertThat(body.produced()).isEqualTo(SIZE);
    String sha = body.sha256();
    TestEngine.Seen seen = engine.seen.stream().filter(s -> s.uri().contains("/serve/upload")).findFirst()
        .orElseThrow();
    assertThat(seen.complete()).isTrue();
    assertThat(seen.bodyBytes()).isEqualTo(SIZE);
    assertThat(seen.bodySha256()).isEqualTo(sha);
    JsonNode echo = JSON.readTree(answer.body());
    assertThat(echo.get("bytes").asLong()).isEqualTo(SIZE);
    assertThat(echo.get("sha256").asText()).isEqualTo(sha);
    assertAliveWithoutMemoryErrors();
  }

  @Test
  void download_of100MB_reachesTheClientWhole_andTheProcessLivesOn() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(gate("/v1/default/serve/download/" + SIZE))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(120)).GET().build();
    long started = System.nanoTime();
    HttpResponse<InputStream> answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(answer.statusCode()).isEqualTo(200);
    MessageDigest got = MessageDigest.getInstance("SHA-256");
    long bytes = 0;
    try (InputStream in = answer.body()) {
      byte[] buf = new byte[64 * 1024];
      int first = in.read(buf);
      got.update(buf, 0, first);
      bytes += first;
      stall();
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        got.update(buf, 0, n);
        bytes += n;
      }
    }
    logRate("download", started);

    assertThat(bytes).isEqualTo(SIZE);
    assertThat(got.digest()).isEqualTo(sha256OfZeros(SIZE)); // the test engine sends zero bytes
    assertAliveWithoutMemoryErrors();
  }

  /** A client that stops reading for a while; a pause in the reader, not a wait for a condition. */
  private static void stall() throws InterruptedException {
    Thread.sleep(STALL.toMillis());
  }

  private static void assertAliveWithoutMemoryErrors() {
    assertThat(tollgate.isAlive()).as(tollgate.output()).isTrue();
    assertThat(tollgate.admin("GET", "/health", null).status()).isEqualTo(200);
    assertThat(tollgate.output()).doesNotContain("OutOfMemoryError");
  }

  private static URI gate(String path) {
    return URI.create("http://127.0.0.1:" + tollgate.gatePort() + path);
  }

  private static void logRate(String what, long startedNanos) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    LOG.info("{} of {} bytes through a 96 MiB gate in {} s ({} MB/s)", what, SIZE,
        String.format("%.1f", seconds), Math.round(SIZE / 1e6 / seconds));
  }

  private static byte[] sha256OfZeros(long size) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] zeros = new byte[64 * 1024];
    for (long left = size; left > 0; left -= zeros.length) {
      sha.update(zeros, 0, (int) Math.min(left, zeros.length));
    }
    return sha.digest();
  }

  /** {@code size} pseudo-random bytes made as they are read, never held, with their SHA-256. */
  private static final class GeneratedBody extends InputStream {
    private final SplittableRandom random;
    private final MessageDigest sha;
    private final long size;
    private final ByteBuffer block = ByteBuffer.allocate(64 * 1024).flip();
    private long produced;

    GeneratedBody(long size, long seed) throws Exception {
      this.size = size;
      this.random = new SplittableRandom(seed);
      this.sha = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (produced == size) {
        return -1;
      }
      if (!block.hasRemaining()) {
        block.clear();
        while (block.remaining() >= Long.BYTES) {
          block.putLong(random.nextLong());
        }
        block.flip();
      }
      int n = (int) Math.min(Math.min(len, block.remaining()), size - produced);
      block.get(b, off, n);
      sha.update(b, off, n);
      produced += n;
      return n;
    }

    long produced() {
      return produced;
    }

    String sha256() {
      return HexFormat.of().formatHex(sha.digest());
    }
  }
}
