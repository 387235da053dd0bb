package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One customer's requests through a gate whose store goes away and comes back, answered either 200 or 503 with one
 * problem code (the gate's failure): counts both, and checks that the customer's usage document counts exactly those
 * 503s against its SLA, once.
 */
final class SlaOutageCalls {
  private final GateFixture f;
  private final String key;
  private final String code;
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  SlaOutageCalls(GateFixture f, String key, String code) {
    this.f = f;
    this.key = key;
    this.code = code;
  }

  /** One request in an allowed namespace; its status, 200 or 503 with the code (anything else fails the test). */
  int call() {
    Answer a = f.gate("GET", "/v1/default/items/x", key);
    if (a.status() == 200) {
      answered.incrementAndGet();
    } else if (a.status() == 503 && a.json().path("code").asText().equals(code)) {
      refused.incrementAndGet();
    } else {
      throw new AssertionError("unexpected answer " + a.status() + " " + a.text());
    }
    return a.status();
  }

  long refused() {
    return refused.get();
  }

  /**
   * Requests the view would have refused for the customer's own reasons (a namespace not allowed, a suspended
   * customer, an unknown key): answered 503 with the code too, naming no one. Not counted by this object.
   */
  void refusedForTheCustomersOwnReasons(String suspendedKey) {
    for (Answer a : new Answer[] {f.gate("GET", "/v1/private/items/x", key),
        f.gate("GET", "/v1/default/items/x", suspendedKey), f.gate("GET", "/v1/default/items/x", "tg_live_unknown0")}) {
      assertThat(a.status()).isEqualTo(503);
      assertThat(a.json().path("code").asText()).isEqualTo(code);
      assertThat(a.json().has("customer_id")).isFalse(); // the answer names no one
    }
  }

  /**
   * Once the store is back: {@code customer}'s usage counts every 503 answered as failed and eligible, the 200s as
   * billed, and nothing more arrives later (a replay counted twice would); {@code suspended} is counted nothing.
   */
  void countedOnceAgainst(String customer, String suspended) {
    long failed = refused.get();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode u = f.usage(customer);
      assertThat(u.path("rejected").path(code).asLong()).isEqualTo(failed);
      assertThat(u.path("sla").path("failed_requests").asLong()).isEqualTo(failed);
      assertThat(u.path("sla").path("eligible_requests").asLong()).isEqualTo(answered.get() + failed);
      assertThat(u.path("requests").asLong()).isEqualTo(answered.get());
    });
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> f.usage(customer).path("sla").path("failed_requests").asLong() == failed);
    JsonNode off = f.usage(suspended);
    assertThat(off.path("rejected").has(code)).isFalse();
    assertThat(off.path("sla").path("eligible_requests").asLong()).isZero();
  }
}
