package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

final class EnginePoolsTest {
  @Test
  void split_overEveryLoop_addsUpToTheTotal_andDiffersByAtMostOne() {
    for (int loops = 1; loops <= 16; loops++) {
      for (int total = loops; total <= 300; total++) {
        EnginePools pools = EnginePools.of(total, loops);
        int[] sizes = IntStream.range(0, loops).map(pools::perClient).toArray();
        assertThat(pools.shared()).isFalse();
        assertThat(IntStream.of(sizes).sum()).isEqualTo(total);
        assertThat(IntStream.of(sizes).max().getAsInt() - IntStream.of(sizes).min().getAsInt()).isLessThanOrEqualTo(1);
        assertThat(IntStream.of(sizes).min().getAsInt()).isPositive();
      }
    }
  }

  @Test
  void fewerConnectionsThanLoops_isOneSharedPoolOfTheTotal() {
    EnginePools pools = EnginePools.of(3, 4);
    assertThat(pools.shared()).isTrue();
    assertThat(pools.perClient(0)).isEqualTo(3);
  }

  @Test
  void defaultPoolOnTwoLoops_is128Each() {
    EnginePools pools = EnginePools.of(256, 2);
    assertThat(pools.perClient(0)).isEqualTo(128);
    assertThat(pools.perClient(1)).isEqualTo(128);
  }

  @Test
  void noConnectionOrNoLoop_isRefused() {
    assertThatThrownBy(() -> EnginePools.of(0, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EnginePools.of(2, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
