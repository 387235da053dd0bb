package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class DurabilityTest {

  @Test
  void fromConfig_batchOrStrict_readsEitherWhateverTheCase() {
    assertThat(Durability.fromConfig("batch")).isEqualTo(Durability.BATCH);
    assertThat(Durability.fromConfig(" Strict ")).isEqualTo(Durability.STRICT);
    assertThat(Durability.STRICT.configName()).isEqualTo("strict");
  }

  @Test
  void fromConfig_otherText_throwsNamingTheValue() {
    assertThatThrownBy(() -> Durability.fromConfig("sync"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sync'");
    assertThatThrownBy(() -> Durability.fromConfig(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
