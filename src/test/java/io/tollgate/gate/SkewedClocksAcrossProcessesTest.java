package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code tollgate serve} processes whose clocks differ by 2 s: node 1 runs under libfaketime
 * ({@link ProcessNodes#clockAhead}), so its JVM's wall clock is 2 s ahead of node 0's (checked through a document it
 * stamps). The scripts take the time from Redis, so the shared rate limit and quota keep the same bounds as with
 * clocks that agree ({@link SharedLimitBounds}).
 */
final class SkewedClocksAcrossProcessesTest {
  private static final Duration SKEW = Duration.ofSeconds(2);
  @TempDir static Path dir;
  private static ProcessNodes nodes;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    nodes = ProcessNodes.start(dir, List.of(Map.of(), ProcessNodes.clockAhead(SKEW)));
  }

  @AfterAll
  static void stop() throws Exception {
    nodes.close();
  }

  @Test
  void nodeUnderFaketime_stampsItsDocuments2sAhead_theOtherOnTime() {
    assertThat(clockOffsetOf(0)).as("node 0's clock").isEqualTo(Duration.ZERO);
    assertThat(clockOffsetOf(1)).as("node 1's clock").isEqualTo(SKEW);
  }

  @Test
  void rateLimit_hammeredAtTenTimesThroughNodesWithClocks2sApart_admitsWithinTheBoundInEveryWindow() throws Exception {
    SharedLimitBounds.rateHoldsInEveryWindow(nodes, "skew-rate", "clocks 2 s apart");
  }

  @Test
  void quota_hammeredThroughNodesWithClocks2sApart_billsAtMostTheQuota_andUsageIsWhatTheEngineSaw() throws Exception {
    SharedLimitBounds.quotaHolds(nodes, "skew-quota", "clocks 2 s apart");
  }

  /**
   * A revocation takes effect at once on every node, whatever their clocks: node 1 (2 s ahead) stamps the key's
   * {@code revoked_at} 2 s into node 0's future, and node 0 used to let the key through until its own clock got
   * there, 2 s after the revocation was answered, on top of the change feed's delay.
   */
  @Test
  void keyRevokedThroughTheNodeAhead_isRefusedByTheNodeBehindWithinTheFeedsDelay_notAfterTheSkew() {
    String key = nodes.customer("skew-revoke", "{}");
    assertThat(ProcessNodes.status(nodes.node(0), "/v1/default/items/x", key)).isEqualTo(200);
    String keyId = nodes.node(1).admin("GET", "/admin/customers/skew-revoke/keys", null).json().get("keys").get(0)
        .get("key_id").asText();
    assertThat(nodes.node(1).admin("DELETE", "/admin/customers/skew-revoke/keys/" + keyId, null).status())
        .isEqualTo(200);
    long revoked = System.nanoTime();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
        .until(() -> ProcessNodes.status(nodes.node(0), "/v1/default/items/x", key) == 401);
    System.out.printf("revoked through the node 2 s ahead: refused by the other after %d ms%n",
        (System.nanoTime() - revoked) / 1_000_000);
  }

  /**
   * The node's clock against this JVM's, read from the {@code created_at} it stamps on a customer it creates:
   * {@link #SKEW} when that falls between this JVM's clock before and after the call plus the skew, zero when it
   * falls between them unshifted.
   */
  private static Duration clockOffsetOf(int node) {
    // a stamp tells the two offsets apart only when its request took less than the skew; on a loaded machine one
    // can take seconds, so measure again (a new customer each time) until one is short enough
    for (int attempt = 0; attempt < 20; attempt++) {
      long before = System.currentTimeMillis();
      var created = nodes.node(node).admin("POST", "/admin/customers", "{\"customer_id\":\"clock-" + node + "-"
          + attempt + "\",\"tier\":\"enterprise\"}");
      long after = System.currentTimeMillis();
      assertThat(created.status()).isEqualTo(201);
      long stamped = Instant.parse(created.json().path("created_at").asText()).toEpochMilli();
      System.out.printf("node %d stamped %d, this JVM's clock %d..%d: %+d..%+d ms%n", node, stamped, before, after,
          stamped - after, stamped - before);
      if (after - before >= SKEW.toMillis() / 2) {
        continue;
      }
      for (Duration offset : List.of(Duration.ZERO, SKEW)) {
        if (stamped >= before + offset.toMillis() && stamped <= after + offset.toMillis()) {
          return offset;
        }
      }
      return Duration.ofMillis(stamped - after);
    }
    throw new AssertionError("no request to node " + node + " took less than " + SKEW.dividedBy(2) + " in 20 tries");
  }

}
