package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Attainment, the error budget and whether the target is met, from billed requests and refusals by code. */
final class SlaAttainmentTest {
  private static final BigDecimal TARGET = new BigDecimal("99.9");

  @Test
  void failuresAreTheServersCodes_customerRefusalsAreNotEligible() {
    SlaAttainment s = SlaAttainment.of(TARGET, 1996, Map.of("engine_error", 2L, "engine_timeout", 1L,
        "store_unavailable", 1L, "rate_limited", 50L, "namespace_denied", 3L, "bad_request", 7L));
    assertThat(s.eligibleRequests()).isEqualTo(2000);
    assertThat(s.failedRequests()).isEqualTo(4);
    assertThat(s.attained()).isEqualByComparingTo("99.8");
    assertThat(s.met()).isFalse();
    assertThat(s.errorBudgetRemaining()).isEqualByComparingTo("-1"); // budget 2, 4 spent: twice over
  }

  @Test
  void exactlyAtTheTarget_isMet_withTheBudgetSpent() {
    SlaAttainment s = new SlaAttainment(TARGET, 1000, 1);
    assertThat(s.attained()).isEqualByComparingTo("99.9");
    assertThat(s.met()).isTrue();
    assertThat(s.errorBudgetRemaining()).isEqualByComparingTo("0");
  }

  @Test
  void halfTheBudget_leavesHalf() {
    assertThat(new SlaAttainment(TARGET, 2000, 1).errorBudgetRemaining()).isEqualByComparingTo("0.5");
  }

  @Test
  void attained_isRoundedDown_soItNeverReadsAsMetWhenItIsNot() {
    SlaAttainment s = new SlaAttainment(new BigDecimal("99.99"), 99_999, 11); // 99.98899…
    assertThat(s.attained()).isEqualByComparingTo("99.9889");
    assertThat(s.met()).isFalse();
  }

  @Test
  void nothingEligible_isFullyAttained_andWrittenWithoutExponent() {
    SlaAttainment s = SlaAttainment.of(TARGET, 0, Map.of("rate_limited", 5L));
    assertThat(s.attained().toString()).isEqualTo("100");
    assertThat(s.errorBudgetRemaining()).isEqualByComparingTo("1");
    assertThat(s.met()).isTrue();
  }

  @Test
  void moreFailuresThanEligible_isRefused() {
    assertThatThrownBy(() -> new SlaAttainment(TARGET, 1, 2)).isInstanceOf(IllegalArgumentException.class);
  }
}
