package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class RecentRefusalsTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T10:00:30Z"));
  private final InstantSource clock = () -> now.get();
  private final RecentRefusals recent = new RecentRefusals(clock);

  private void refuse(String customer, String code, Duration ago) {
    recent.count(new RefusalEvent(customer, "key_1", code, now.get().minus(ago)));
  }

  @Test
  void lastHour_countsByCodeAndCustomer() {
    refuse("acme", "rate_limited", Duration.ZERO);
    refuse("acme", "rate_limited", Duration.ofSeconds(10));
    refuse("zeta", "namespace_denied", Duration.ZERO);
    RecentRefusals.Window w = recent.lastHour();
    assertThat(w.total()).isEqualTo(3);
    assertThat(w.byCode()).isEqualTo(Map.of("rate_limited", 2L, "namespace_denied", 1L));
    assertThat(w.byCustomer()).isEqualTo(Map.of("acme", 2L, "zeta", 1L));
  }

  @Test
  void lastHour_afterAnHour_forgetsOldMinutes() {
    refuse("acme", "rate_limited", Duration.ZERO);
    now.set(now.get().plus(Duration.ofMinutes(30)));
    refuse("acme", "quota_exceeded", Duration.ZERO);
    now.set(now.get().plus(Duration.ofMinutes(31)));
    RecentRefusals.Window w = recent.lastHour();
    assertThat(w.byCode()).isEqualTo(Map.of("quota_exceeded", 1L));
    assertThat(w.to()).isEqualTo(now.get());
    assertThat(Duration.between(w.from(), w.to())).isLessThanOrEqualTo(RecentRefusals.WINDOW);
  }

  @Test
  void lastHour_rightAfterStart_beginsAtTheStart() {
    assertThat(recent.lastHour().from()).isEqualTo(Instant.parse("2026-11-23T10:00:30Z"));
    assertThat(recent.lastHour().total()).isZero();
  }

  @Test
  void observing_countsRefusalsAndForwardsEverything() {
    List<Object> seen = new ArrayList<>();
    UsageRecorder recorder = recent.observing(new UsageRecorder() {
      @Override public CompletionStage<Void> record(UsageEvent event) {
        seen.add(event);
        return CompletableFuture.completedFuture(null);
      }

      @Override public void takeBack(UsageEvent event) {
        seen.add("taken back " + event.keyId());
      }

      @Override public void recordRefusal(RefusalEvent event) {
        seen.add(event);
      }

      @Override public long backlog() {
        return 7;
      }

      @Override public boolean storeFailing() {
        return true;
      }

      @Override public void close() {
        seen.add("closed");
      }
    });
    RefusalEvent refusal = new RefusalEvent("acme", "key_1", "rate_limited", now.get());
    UsageEvent use = Metered.use("acme", "1");
    recorder.recordRefusal(refusal);
    recorder.record(use);
    recorder.takeBack(use);
    recorder.close();
    assertThat(seen).containsExactly(refusal, use, "taken back " + use.keyId(), "closed");
    assertThat(recorder.backlog()).isEqualTo(7);
    assertThat(recorder.storeFailing()).isTrue();
    assertThat(recent.lastHour().total()).isEqualTo(1);
  }
}
