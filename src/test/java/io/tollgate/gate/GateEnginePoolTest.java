package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gate.engine_pool_size} bounds the connections to the engine in total, whether the gate splits them over
 * its event loops (one pool each) or, with fewer connections than event loops, shares one pool.
 */
final class GateEnginePoolTest {
  private static final int CONCURRENT = 8;

  @TempDir Path dir;

  @Test
  void poolOfThree_splitOverTheEventLoops_neverOpensMoreThanThree_andAnswersEveryRequest() throws Exception {
    assertBoundedBy(3);
  }

  @Test
  void poolOfOne_sharedByTheEventLoops_neverOpensMoreThanOne_andAnswersEveryRequest() throws Exception {
    assertBoundedBy(1);
  }

  private void assertBoundedBy(int pool) throws Exception {
    try (GateFixture f = GateFixture.start(dir, "  engine_pool_size: " + pool + "\n", Map.of())) {
      String key = f.customer("{\"customer_id\":\"pool-1\",\"tier\":\"enterprise\"}");
      ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT);
      try {
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
          answers.add(clients.submit(() -> f.gate("GET", "/v1/default/serve/slow/100", key).status()));
        }
        for (Future<Integer> a : answers) {
          assertThat(a.get()).isEqualTo(200);
        }
      } finally {
        clients.shutdownNow();
      }
      assertThat(f.engine.mostConnectionsAtOnce()).isBetween(1, pool);
    }
  }
}
