package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The engine URL's path that prefixes every forwarded request. */
final class EngineExchangeTest {
  @Test
  void basePath_noPathOrRoot_isEmpty() {
    assertThat(EngineExchange.basePath(null)).isEmpty();
    assertThat(EngineExchange.basePath("")).isEmpty();
    assertThat(EngineExchange.basePath("/")).isEmpty();
  }

  @Test
  void basePath_withPath_dropsOneTrailingSlash() {
    assertThat(EngineExchange.basePath("/api")).isEqualTo("/api");
    assertThat(EngineExchange.basePath("/api/")).isEqualTo("/api");
    assertThat(EngineExchange.basePath("/a/b/")).isEqualTo("/a/b");
  }
}
