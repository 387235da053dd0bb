package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.admin.RunningTollgate.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing on the admin listener can starve the gate: idle connections beyond {@code admin.max_connections} are
 * closed at once, and idle ones within it after the admin header and idle timeouts.
 */
final class AdminListenerConnectionsTest {
  private static final int IDLE_SOCKETS = 2000;
  private static final int DEFAULT_MAX_CONNECTIONS = 256;

  @TempDir Path dir;

  @Test
  void thousandsOfIdleAdminConnections_areClosedBeyondTheCap_whileTheGateKeepsAnswering() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "", Map.of())) {
      String key = f.customer("{\"customer_id\":\"admin-flood-1\"}");
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < IDLE_SOCKETS; i++) {
          sockets.add(new Socket("127.0.0.1", f.tollgate.server.adminPort()));
        }
        Set<Socket> closed = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> closedByServer(sockets, closed)
            >= IDLE_SOCKETS - DEFAULT_MAX_CONNECTIONS);

        assertThat(f.tollgate.send("GET", f.tollgate.gateUri("/health"), null, Map.of()).status()).isEqualTo(200);
        assertThat(f.gate("GET", "/v1/default/items/x", key).status()).isEqualTo(200);
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> f.tollgate.admin("GET", "/health").status() == 200);
      Answer metrics = f.tollgate.admin("GET", "/metrics");
      assertThat(Scrape.parse(metrics.text()).value("tollgate_admin_connections_refused_total"))
          .isGreaterThanOrEqualTo((double) (IDLE_SOCKETS - DEFAULT_MAX_CONNECTIONS));
    }
  }

  @Test
  void idleAdminConnection_isClosedAfterTheIdleTimeout() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "admin:\n  idle_timeout: 500ms\n", Map.of())) {
      try (Socket s = new Socket("127.0.0.1", f.tollgate.server.adminPort())) {
        s.setSoTimeout(5000);
        s.getOutputStream()
            .write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String got = readUntilClosed(s.getInputStream());
        assertThat(RawHttp.statuses(got)).containsExactly(200);
      }
    }
  }

  @Test
  void adminConnectionSendingNothing_isClosedAfterTheHeaderTimeout() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "admin:\n  header_timeout: 500ms\n", Map.of())) {
      try (Socket s = new Socket("127.0.0.1", f.tollgate.server.adminPort())) {
        s.setSoTimeout(5000);
        long start = System.nanoTime();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(300L, 3000L);
      }
    }
  }

  /** Everything read until the server closes the connection, which must happen within 400 ms to 3 s. */
  private static String readUntilClosed(InputStream in) throws IOException {
    StringBuilder got = new StringBuilder();
    byte[] buf = new byte[8192];
    long start = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      start = System.nanoTime();
    }
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(400L, 3000L);
    return got.toString();
  }

  /** How many of {@code sockets} the server has closed; {@code closed} remembers those already seen. */
  private static int closedByServer(List<Socket> sockets, Set<Socket> closed) throws IOException {
    for (Socket s : sockets) {
      if (closed.contains(s)) {
        continue;
      }
      s.setSoTimeout(1);
      try {
        if (s.getInputStream().read() < 0) {
          closed.add(s);
        }
      } catch (SocketTimeoutException e) {
        // still open
      } catch (IOException e) {
        closed.add(s); // reset by the server
      }
    }
    return closed.size();
  }
}
