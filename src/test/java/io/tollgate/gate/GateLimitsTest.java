package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits hold under concurrency: admitted never exceeds the burst (plus the refill during the burst). */
final class GateLimitsTest {
  @TempDir Path dir;

  @Test
  void concurrentBurst_againstFivePerSecondBurstFive_admitsFivePlusRefill() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "", Map.of())) {
      String key = f.customer("{\"customer_id\":\"burst-1\",\"limits\":{\"rate_limit\":"
          + "{\"requests\":5,\"window_s\":1,\"burst\":5}}}");
      int n = 60;
      ExecutorService pool = Executors.newFixedThreadPool(30);
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Integer>> calls = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Answer a = f.gate("GET", "/v1/default/items/x", key);
          return a.status();
        }, pool));
      }
      go.countDown();
      List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      long admitted = statuses.stream().filter(s -> s == 200).count();
      long refused = statuses.stream().filter(s -> s == 429).count();
      assertThat(admitted + refused).isEqualTo(n);
      assertThat(admitted).isGreaterThanOrEqualTo(5).isLessThanOrEqualTo(5 + (long) Math.ceil(seconds * 5));
    }
  }
}
