package io.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code limits.redis}: defaults, the URL from the file or the environment, refusals that never show the URL. */
final class LimitsConfigTest {
  @TempDir Path dir;

  private TollgateConfig load(String yaml, Map<String, String> env) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(Optional.of(f), env);
  }

  @Test
  void load_noLimitsKeys_countsOnThisNodeWithA20msTimeout() {
    assertThat(ConfigLoader.load(Optional.empty(), Map.of()).limits())
        .isEqualTo(new TollgateConfig.Limits(Optional.empty(), Duration.ofMillis(20)));
  }

  @Test
  void load_redisUrlAndTimeout_areRead_andTheEnvironmentWins() throws Exception {
    TollgateConfig c = load("limits:\n  redis:\n    url: 'redis://:pw@10.0.0.5:6379/2'\n    timeout: 50ms\n", Map.of());
    assertThat(c.limits()).isEqualTo(new TollgateConfig.Limits(Optional.of("redis://:pw@10.0.0.5:6379/2"),
        Duration.ofMillis(50)));
    assertThat(load("limits:\n  redis:\n    url: redis://a:1\n", Map.of("TOLLGATE_REDIS_URL", "rediss://b:2"))
        .limits().redisUrl()).contains("rediss://b:2");
  }

  @Test
  void load_invalidRedisValues_areRefusedNamingTheKeyButNotThePassword() {
    assertThatThrownBy(() -> load("limits:\n  redis:\n    url: 'http://:secret-pw@host:1'\n", Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("limits.redis.url")
        .hasMessageNotContaining("secret-pw");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_REDIS_URL", "nope:secret-pw")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("TOLLGATE_REDIS_URL")
        .hasMessageNotContaining("secret-pw");
    assertThatThrownBy(() -> load("limits:\n  redis:\n    timeout: 0ms\n", Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("limits.redis.timeout");
    assertThatThrownBy(() -> load("limits:\n  local: true\n", Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("limits.local");
  }

  @Test
  void load_onRedisDown_isRefuseByDefault_localWhenAsked_andNothingElse() throws Exception {
    assertThat(load("limits:\n  redis:\n    url: redis://a:1\n", Map.of()).limits().localWhenRedisDown()).isFalse();
    assertThat(load("limits:\n  on_redis_down: local\n", Map.of()).limits().localWhenRedisDown()).isTrue();
    assertThat(load("limits:\n  on_redis_down: refuse\n", Map.of()).limits().localWhenRedisDown()).isFalse();
    assertThatThrownBy(() -> load("limits:\n  on_redis_down: serve\n", Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("limits.on_redis_down")
        .hasMessageContaining("refuse or local");
  }

  @Test
  void toString_withAPassword_neverShowsTheUrl() {
    assertThat(new TollgateConfig.Limits(Optional.of("redis://:secret-pw@h:1"), Duration.ofMillis(20)).toString())
        .doesNotContain("secret-pw");
  }
}
