package io.tollgate.gate;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code tollgate serve} processes on one PostgreSQL database and one Redis, hammered at once: a customer's rate
 * limit and quota hold for the three together within the documented bounds ({@link SharedLimitBounds}), and the usage
 * billed is what reached the engine.
 */
final class SharedLimitsAcrossProcessesTest {
  @TempDir static Path dir;
  private static ProcessNodes nodes;

  @BeforeAll
  static void startThreeNodes() throws Exception {
    nodes = ProcessNodes.start(dir, 3);
  }

  @AfterAll
  static void stop() throws Exception {
    nodes.close();
  }

  @Test
  void rateLimit_hammeredAtTenTimesThroughThreeProcesses_admitsWithinTheBoundInEveryWindow() throws Exception {
    SharedLimitBounds.rateHoldsInEveryWindow(nodes, "three-rate", "three processes");
  }

  @Test
  void quota_hammeredThroughThreeProcesses_billsAtMostTheQuota_andUsageIsWhatTheEngineSaw() throws Exception {
    SharedLimitBounds.quotaHolds(nodes, "three-quota", "three processes");
  }
}
