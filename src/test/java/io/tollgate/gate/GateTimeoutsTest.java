package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate.Answer;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** idle_timeout closes idle keep-alive connections, but never one waiting for a slow engine. */
final class GateTimeoutsTest {
  @TempDir Path dir;

  @Test
  void slowEngine_longerThanIdleTimeout_isStillAnswered_andTheIdleConnectionIsClosedAfterwards() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "  idle_timeout: 500ms\n  engine_timeout: 5s\n", Map.of())) {
      String key = f.customer("{\"customer_id\":\"timeouts-1\"}");
      Answer slow = f.gate("GET", "/v1/default/serve/slow/1500", key);
      assertThat(slow.status()).isEqualTo(200);

      try (Socket s = new Socket("127.0.0.1", f.tollgate.server.gatePort())) {
        s.setSoTimeout(5000);
        s.getOutputStream().write(("GET /v1/default/items/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        long start = System.nanoTime();
        byte[] buf = new byte[65536];
        int n;
        StringBuilder got = new StringBuilder();
        while ((n = in.read(buf)) >= 0) {
          got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        long closedAfterMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(RawHttp.statuses(got.toString())).containsExactly(200);
        assertThat(closedAfterMs).isBetween(400L, 3000L);
      }
    }
  }
}
