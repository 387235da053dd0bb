package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class GateEngineDownTest {
  @TempDir Path dir;

  @Test
  void engineThatCannotBeReached_is502_andNotBilled() throws Exception {
    try (GateFixture f = GateFixture.start(dir, "", Map.of())) {
      String key = f.customer("{\"customer_id\":\"down-1\"}");
      f.engine.close();
      Answer a = f.gate("GET", "/v1/default/items/x", key);
      assertThat(a.status()).isEqualTo(502);
      assertThat(a.json().get("code").asText()).isEqualTo("engine_unavailable");
      org.awaitility.Awaitility.await().until(() ->
          f.usage("down-1").get("rejected").path("engine_unavailable").asLong() == 1);
      assertThat(f.usage("down-1").get("requests").asLong()).isZero();
    }
  }
}
