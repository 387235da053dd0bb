package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both listeners and the engine client run on Netty's native epoll transport on Linux x86-64 by default, on the JDK's
 * NIO transport with {@code gate.native_transport: false}; the start line says which is active, and the gate proxies
 * and refuses the same either way.
 */
final class NativeTransportTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void serve_onLinux_runsOnNativeEpollByDefault_andSaysSoInTheStartLine() throws Exception {
    assertProxiesOn("", "transport epoll (native)");
  }

  @Test
  void serve_withNativeTransportOff_runsOnNio_andSaysSoInTheStartLine() throws Exception {
    assertProxiesOn("  native_transport: false\n", "transport nio (gate.native_transport: false)");
  }

  private void assertProxiesOn(String gateSettings, String startLine) throws Exception {
    try (TestEngine engine = new TestEngine();
        TollgateProcess p = TollgateProcess.start(Files.createDirectories(dir.resolve("node")),
            "gate:\n  engine: " + engine.url() + "\n" + gateSettings, List.of())) {
      assertThat(p.output()).contains(startLine);
      String key = p.customer("{\"customer_id\":\"transport-1\"}");
      assertThat(status(p, key)).isEqualTo(200);
      assertThat(status(p, "tg_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isEqualTo(401);
      assertThat(engine.seen).hasSize(1);
    }
  }

  private int status(TollgateProcess node, String key) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.gatePort() + "/v1/default/items/x"))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build();
    return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
