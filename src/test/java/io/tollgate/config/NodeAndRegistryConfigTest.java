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

/** {@code node.id} and the {@code registry:} keys of the change feed: defaults, overrides, refusals. */
final class NodeAndRegistryConfigTest {
  @TempDir Path dir;

  private TollgateConfig load(String yaml, Map<String, String> env) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(Optional.of(f), env);
  }

  @Test
  void load_noRegistryKeys_givesTheDefaults() {
    TollgateConfig c = ConfigLoader.load(Optional.empty(), Map.of());
    assertThat(c.registry()).isEqualTo(new TollgateConfig.Registry(Duration.ofMillis(500), Duration.ofSeconds(5),
        false));
    assertThat(c.nodeId()).isEmpty();
  }

  @Test
  void load_registryAndNodeKeys_areRead_andTheEnvironmentWinsForTheNodeId() throws Exception {
    TollgateConfig c = load("node:\n  id: gate-1\nregistry:\n  poll_interval: 100ms\n  max_staleness: 2s\n"
        + "  on_stale: refuse\n", Map.of());
    assertThat(c.nodeId()).contains("gate-1");
    assertThat(c.registry()).isEqualTo(new TollgateConfig.Registry(Duration.ofMillis(100), Duration.ofSeconds(2),
        true));
    assertThat(load("node:\n  id: gate-1\n", Map.of("TOLLGATE_NODE_ID", "gate-2")).nodeId()).contains("gate-2");
  }

  @Test
  void load_invalidValues_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("node:\n  id: 'no spaces'\n", Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("node.id");
    assertThatThrownBy(() -> load("registry:\n  on_stale: maybe\n", Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("registry.on_stale");
    assertThatThrownBy(() -> load("registry:\n  poll_interval: 2s\n  max_staleness: 1s\n", Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("registry.max_staleness");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_NODE_ID", "-x")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("TOLLGATE_NODE_ID");
  }

  @Test
  void resolve_noConfiguredId_generatesOneInTheDataDirectoryAndKeepsIt() {
    String first = NodeIds.resolve(Optional.empty(), dir.resolve("data"));
    assertThat(first).matches("node-[0-9a-f]{12}");
    assertThat(NodeIds.resolve(Optional.empty(), dir.resolve("data"))).isEqualTo(first);
    assertThat(NodeIds.resolve(Optional.of("gate-1"), dir.resolve("data"))).isEqualTo("gate-1");
  }
}
