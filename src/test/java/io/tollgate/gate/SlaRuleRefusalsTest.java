package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.metering.SlaRule;
import org.junit.jupiter.api.Test;

/** The SLA rule names exactly the gate's 5xx, and the 5xx an allowed request can meet are counted. */
final class SlaRuleRefusalsTest {
  @Test
  void every5xxOfTheGate_failsTheSla_andNo4xxDoes() {
    for (Refusal r : Refusal.values()) {
      assertThat(SlaRule.fails(r.code())).as(r.code()).isEqualTo(r.status() >= 500);
    }
    assertThat(SlaRule.fails(GateMeter.ENGINE_ERROR)).isTrue();
  }

  @Test
  void every5xxOfTheGate_isCountedAgainstTheCustomer_whenOneCanBeNamed() {
    for (Refusal r : Refusal.values()) {
      if (r.status() >= 500) {
        assertThat(r.isCounted()).as(r.code()).isTrue();
      }
    }
  }
}
