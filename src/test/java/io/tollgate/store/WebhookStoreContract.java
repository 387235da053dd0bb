package io.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.FakeClock;
import io.tollgate.limits.Units;
import io.tollgate.metering.UsageBatch;
import io.tollgate.metering.UsageBatch.UsageRow;
import io.tollgate.metering.UsageThresholds;
import io.tollgate.webhooks.Delivery;
import io.tollgate.webhooks.EventType;
import io.tollgate.webhooks.WebhookEvent;
import io.tollgate.webhooks.WebhookStore;
import io.tollgate.webhooks.WebhookStore.Claimed;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The outbox and its deliveries, the same on both dialects. */
abstract class WebhookStoreContract extends StoreContractBase {
  final FakeClock clock = new FakeClock(StoreFixtures.T0);
  private static final LocalDate DAY = LocalDate.of(2026, 1, 15);
  /** Every customer has a quota of 10 units a month, watched at 80 and 100 %. */
  private static final UsageThresholds TEN_UNITS = (customerId, day) -> Optional.of(new UsageThresholds.Watch(
      "starter", Units.of(10), BillingPeriod.month(YearMonth.from(day)), List.of(80, 100), StoreFixtures.T0));

  private static String endpoint(Database db, String... events) {
    return db.webhooks().create(new WebhookStore.NewEndpoint("https://hooks.example.com/t", List.of(events),
        Optional.empty()), "test", StoreFixtures.T0).endpoint().id();
  }

  private static UsageBatch batch(String id, String customer, long units) {
    return new UsageBatch(id, List.of(new UsageRow(customer, "key_1", "get", DAY, Units.of(units), units)),
        List.of());
  }

  private static List<String> types(Database db, String endpointId) {
    return db.webhooks().deliveries(endpointId, 100).stream().map(Delivery::type).sorted().toList();
  }

  @Test
  void usageBatches_crossing80And100_writeOneEventPerThreshold_evenReplayedAndAfterAReopen() {
    Database db = open();
    String id = endpoint(db, "usage.threshold");
    db.watchUsageThresholds(TEN_UNITS);
    assertThat(db.usage().apply(batch("node-a:1", "acme", 7))).isTrue();
    assertThat(types(db, id)).isEmpty();
    assertThat(db.usage().apply(batch("node-a:2", "acme", 1))).isTrue(); // 8 of 10: 80 %
    assertThat(types(db, id)).containsExactly("usage.threshold");
    assertThat(db.usage().apply(batch("node-a:2", "acme", 1))).isFalse(); // a replay changes nothing
    assertThat(db.usage().apply(batch("node-a:3", "acme", 5))).isTrue(); // 13 of 10: 100 %
    assertThat(db.usage().apply(batch("node-a:4", "acme", 5))).isTrue();
    assertThat(types(db, id)).hasSize(2);
    db.close();

    Database reopened = open();
    reopened.watchUsageThresholds(TEN_UNITS);
    assertThat(reopened.usage().apply(batch("node-b:1", "acme", 1))).isTrue();
    assertThat(types(reopened, id)).hasSize(2);
    assertThat(reopened.usage().apply(batch("node-b:2", "other", 10))).isTrue(); // both at once for another
    assertThat(types(reopened, id)).hasSize(4);
  }

  private static UsageThresholds tenUnits(java.util.function.Supplier<List<Integer>> percents,
      java.util.function.Supplier<java.time.Instant> createdAt) {
    return (customerId, day) -> Optional.of(new UsageThresholds.Watch("starter", Units.of(10),
        BillingPeriod.month(YearMonth.from(day)), percents.get(), createdAt.get()));
  }

  @Test
  void customerPurgedAndCreatedAgain_getsItsThresholdEventsAgain_withoutARestart() {
    Database db = open();
    String id = endpoint(db, "usage.threshold");
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> created =
        new java.util.concurrent.atomic.AtomicReference<>(StoreFixtures.T0);
    db.watchUsageThresholds(tenUnits(() -> List.of(80, 100), created::get));
    assertThat(db.usage().apply(batch("node-a:1", "acme", 10))).isTrue();
    assertThat(db.usage().apply(batch("node-a:2", "acme", 1))).isTrue(); // every threshold known crossed now
    assertThat(types(db, id)).hasSize(2);

    db.registry().inTransaction(tx -> {
      tx.deleteCustomer("acme"); // the retention purge
      return null;
    });
    created.set(StoreFixtures.T0.plus(Duration.ofDays(1))); // the same id, created again
    assertThat(db.usage().apply(batch("node-a:3", "acme", 10))).isTrue();
    assertThat(types(db, id)).hasSize(4);
  }

  @Test
  void thresholdsChangedForACustomer_writeOnlyTheNewOnes_once() {
    Database db = open();
    String id = endpoint(db, "usage.threshold");
    java.util.concurrent.atomic.AtomicReference<List<Integer>> percents =
        new java.util.concurrent.atomic.AtomicReference<>(List.of(80, 100));
    db.watchUsageThresholds(tenUnits(percents::get, () -> StoreFixtures.T0));
    assertThat(db.usage().apply(batch("node-a:1", "acme", 10))).isTrue();
    assertThat(db.usage().apply(batch("node-a:2", "acme", 1))).isTrue();
    assertThat(types(db, id)).hasSize(2);

    percents.set(List.of(50, 80, 100, 150)); // an override (or the tier) adds 50 % and 150 %
    assertThat(db.usage().apply(batch("node-a:3", "acme", 1))).isTrue(); // 12 of 10
    assertThat(db.usage().apply(batch("node-a:4", "acme", 1))).isTrue();
    assertThat(db.webhooks().deliveries(id, 100)).hasSize(3);
    assertThat(db.usage().apply(batch("node-a:5", "acme", 3))).isTrue(); // 15 of 10: 150 %
    assertThat(db.usage().apply(batch("node-a:6", "acme", 3))).isTrue();
    assertThat(types(db, id)).hasSize(4);
  }

  private static UsageBatch slaBatch(String id, String customer, long billed, long failed) {
    return new UsageBatch(id, billed == 0 ? List.of()
        : List.of(new UsageRow(customer, "key_1", "get", DAY, Units.of(billed), billed)),
        failed == 0 ? List.of() : List.of(new UsageBatch.RefusalRow(customer, "key_1", "engine_error", DAY, failed)));
  }

  /** Every customer's tier promises 99 %: its error budget is 1 % of its eligible requests. */
  private static final io.tollgate.metering.SlaTargets NINETY_NINE = (customerId, day) -> Optional.of(
      new io.tollgate.metering.SlaTargets.Target("starter", new java.math.BigDecimal("99"),
          BillingPeriod.month(YearMonth.from(day)), StoreFixtures.T0));

  private static List<com.fasterxml.jackson.databind.JsonNode> slaEvents(Database db) {
    List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
    for (Claimed c : db.webhooks().claimDue("reader", StoreFixtures.T0.plus(Duration.ofDays(1)),
        StoreFixtures.T0.plus(Duration.ofDays(1)), 100)) {
      try {
        out.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.payload()));
      } catch (Exception e) {
        throw new AssertionError(c.payload(), e);
      }
    }
    return out;
  }

  @Test
  void slaBudgetHalfSpentThenSpent_writesOneAtRiskEventPerLevel_notBeforeTheMinimum_evenReplayedAndReopened() {
    Database db = open();
    String id = endpoint(db, "sla.at_risk");
    db.watchSla(NINETY_NINE);
    assertThat(db.usage().apply(slaBatch("node-a:1", "acme", 0, 1))).isTrue(); // 1 of 1 failed: under 100 eligible
    assertThat(db.usage().apply(slaBatch("node-a:2", "acme", 98, 0))).isTrue(); // 99 eligible
    assertThat(types(db, id)).isEmpty();
    assertThat(db.usage().apply(slaBatch("node-a:3", "acme", 100, 0))).isTrue(); // 1 of 199: budget 1.99, half
    assertThat(types(db, id)).containsExactly("sla.at_risk");
    assertThat(db.usage().apply(slaBatch("node-a:3", "acme", 100, 0))).isFalse(); // a replay changes nothing
    assertThat(db.usage().apply(slaBatch("node-a:4", "acme", 0, 1))).isTrue(); // 2 of 200: budget 2, spent
    assertThat(db.usage().apply(slaBatch("node-a:5", "acme", 0, 1))).isTrue();
    assertThat(types(db, id)).containsExactly("sla.at_risk", "sla.at_risk");
    List<com.fasterxml.jackson.databind.JsonNode> events = slaEvents(db);
    assertThat(events).extracting(e -> e.get("data").get("level").asText())
        .containsExactlyInAnyOrder("half", "exhausted");
    com.fasterxml.jackson.databind.JsonNode spent = events.stream()
        .filter(e -> e.get("data").get("level").asText().equals("exhausted")).findFirst().orElseThrow().get("data");
    assertThat(spent.get("customer_id").asText()).isEqualTo("acme");
    assertThat(spent.get("period").asText()).isEqualTo("2026-01");
    assertThat(spent.get("tier").asText()).isEqualTo("starter");
    assertThat(spent.get("eligible_requests").asLong()).isEqualTo(200);
    assertThat(spent.get("failed_requests").asLong()).isEqualTo(2);
    assertThat(spent.get("target").decimalValue()).isEqualByComparingTo("99");
    assertThat(spent.get("attained").decimalValue()).isEqualByComparingTo("99");
    db.close();

    Database reopened = open();
    reopened.watchSla(NINETY_NINE);
    assertThat(reopened.usage().apply(slaBatch("node-b:1", "acme", 0, 5))).isTrue();
    assertThat(types(reopened, id)).hasSize(2);
    assertThat(reopened.usage().apply(slaBatch("node-b:2", "other", 100, 5))).isTrue(); // both at once
    assertThat(types(reopened, id)).hasSize(4);
  }

  private static io.tollgate.registry.CustomerKey expiringKey(String customer, String id,
      Optional<java.time.Instant> revokedAt, Optional<java.time.Instant> expiresAt) {
    return new io.tollgate.registry.CustomerKey(id, customer, Optional.of("ci"), io.tollgate.keys.KeyEnvironment.LIVE,
        "tg_live_4fJ", StoreFixtures.randomDigest(), List.of(), StoreFixtures.T0, revokedAt, expiresAt,
        Optional.empty(), Optional.empty());
  }

  private static final java.time.Instant T0 = StoreFixtures.T0;

  @Test
  void keysExpiringWithinSevenDays_writeOneKeyExpiringEventPerKeyAndExpiry_andANewOneForAChangedExpiry() {
    Database db = open();
    String id = endpoint(db, "key.expiring");
    db.registry().inTransaction(tx -> {
      tx.insertCustomer(StoreFixtures.customer("acme").build());
      tx.insertCustomer(StoreFixtures.customer("gone").status(io.tollgate.registry.CustomerStatus.DEACTIVATED)
          .build());
      tx.insertKey(expiringKey("acme", "key_soon", Optional.empty(), Optional.of(T0.plus(Duration.ofDays(3)))));
      tx.insertKey(expiringKey("acme", "key_later", Optional.empty(), Optional.of(T0.plus(Duration.ofDays(8)))));
      tx.insertKey(expiringKey("acme", "key_past", Optional.empty(), Optional.of(T0.minusSeconds(60))));
      tx.insertKey(expiringKey("acme", "key_never", Optional.empty(), Optional.empty()));
      tx.insertKey(expiringKey("acme", "key_revoked", Optional.of(T0.plusSeconds(60)),
          Optional.of(T0.plus(Duration.ofDays(2)))));
      tx.insertKey(expiringKey("gone", "key_gone", Optional.empty(), Optional.of(T0.plus(Duration.ofDays(1)))));
      return null;
    });
    Duration week = Duration.ofDays(7);
    assertThat(db.webhooks().writeExpiringKeys(T0, week)).isEqualTo(1);
    assertThat(db.webhooks().writeExpiringKeys(T0.plusSeconds(1), week)).isZero();
    Database other = open(); // another node on the same store
    assertThat(other.webhooks().writeExpiringKeys(T0.plusSeconds(2), week)).isZero();
    assertThat(types(db, id)).containsExactly("key.expiring");
    String payload = db.webhooks().claimDue("n", T0, T0.plusSeconds(60), 10).get(0).payload();
    assertThat(payload).contains("\"key_id\":\"key_soon\"", "\"customer_id\":\"acme\"",
        "\"expires_at\":\"" + T0.plus(Duration.ofDays(3)) + "\"");

    // a day later key_later is 7 days from its expiry; key_soon's expiry moved writes it again, for the new time
    db.registry().inTransaction(tx -> {
      tx.updateKey(expiringKey("acme", "key_soon", Optional.empty(), Optional.of(T0.plus(Duration.ofDays(5)))));
      return null;
    });
    assertThat(other.webhooks().writeExpiringKeys(T0.plus(Duration.ofDays(1)), week)).isEqualTo(2);
    assertThat(db.webhooks().writeExpiringKeys(T0.plus(Duration.ofDays(1)), week)).isZero();
    assertThat(types(db, id)).hasSize(3);
  }

  @Test
  void twoNodesScanningExpiringKeysAtOnce_writeEachEventOnce() throws Exception {
    Database a = open();
    Database b = open();
    String id = endpoint(a, "key.expiring");
    a.registry().inTransaction(tx -> {
      tx.insertCustomer(StoreFixtures.customer("acme").build());
      for (int i = 0; i < 40; i++) {
        tx.insertKey(expiringKey("acme", "key_" + i, Optional.empty(), Optional.of(T0.plus(Duration.ofDays(1)))));
      }
      return null;
    });
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> first = pool.submit(() -> a.webhooks().writeExpiringKeys(T0, Duration.ofDays(7)));
      Future<Integer> second = pool.submit(() -> b.webhooks().writeExpiringKeys(T0, Duration.ofDays(7)));
      assertThat(first.get() + second.get()).isEqualTo(40);
    } finally {
      pool.shutdownNow();
    }
    assertThat(a.webhooks().deliveries(id, 100)).hasSize(40);
  }

  private static UsageBatch refused(String id, String customer, String code) {
    return new UsageBatch(id, List.of(), List.of(new UsageBatch.RefusalRow(customer, "key_1", code, DAY, 3)));
  }

  @Test
  void rateLimitedInBatchesForMoreThanTheSetting_writesOneSustainedEventPerEpisode_acrossAReopen() {
    Database db = open();
    String id = endpoint(db, "rate_limit.sustained");
    db.watchRateLimits(Duration.ofSeconds(60));
    assertThat(db.usage().apply(refused("node-a:1", "acme", "rate_limited"))).isTrue(); // the episode starts
    assertThat(db.usage().apply(refused("node-a:2", "busy", "quota_exceeded"))).isTrue(); // not a rate limit
    clock.advance(Duration.ofSeconds(30));
    assertThat(db.usage().apply(refused("node-a:3", "acme", "rate_limited"))).isTrue();
    assertThat(db.usage().apply(refused("node-a:4", "busy", "quota_exceeded"))).isTrue();
    db.close();

    Database reopened = open(); // a restart in the middle of the episode
    reopened.watchRateLimits(Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(30));
    assertThat(reopened.usage().apply(refused("node-b:1", "acme", "rate_limited"))).isTrue(); // 60 s: not more
    assertThat(types(reopened, id)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(reopened.usage().apply(refused("node-b:2", "acme", "rate_limited"))).isTrue(); // 61 s
    assertThat(types(reopened, id)).containsExactly("rate_limit.sustained");
    assertThat(reopened.usage().apply(refused("node-b:2", "acme", "rate_limited"))).isFalse(); // a replay
    clock.advance(Duration.ofSeconds(50));
    assertThat(reopened.usage().apply(refused("node-a:5", "acme", "rate_limited"))).isTrue(); // the same episode
    assertThat(types(reopened, id)).hasSize(1);
    String payload = reopened.webhooks().claimDue("n", clock.instant(), clock.instant().plusSeconds(60), 10).get(0)
        .payload();
    assertThat(payload).contains("\"customer_id\":\"acme\"", "\"since\":\"" + T0 + "\"",
        "\"refused_for_s\":61", "\"sustained_rate_limit_s\":60");

    clock.advance(Duration.ofSeconds(61)); // more than 60 s without a 429: the next one starts a new episode
    assertThat(reopened.usage().apply(refused("node-a:6", "acme", "rate_limited"))).isTrue();
    clock.advance(Duration.ofSeconds(45));
    assertThat(reopened.usage().apply(refused("node-a:7", "acme", "rate_limited"))).isTrue();
    assertThat(types(reopened, id)).hasSize(1);
    clock.advance(Duration.ofSeconds(16));
    assertThat(reopened.usage().apply(refused("node-a:8", "acme", "rate_limited"))).isTrue();
    assertThat(types(reopened, id)).hasSize(2);
  }

  @Test
  void customerPurgedAndCreatedAgain_getsItsSlaAtRiskEventsAgain_withoutARestart() {
    Database db = open();
    String id = endpoint(db, "sla.at_risk");
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> created =
        new java.util.concurrent.atomic.AtomicReference<>(T0);
    db.watchSla((customerId, day) -> Optional.of(new io.tollgate.metering.SlaTargets.Target("starter",
        new java.math.BigDecimal("99"), BillingPeriod.month(YearMonth.from(day)), created.get())));
    assertThat(db.usage().apply(slaBatch("node-a:1", "acme", 100, 5))).isTrue(); // both levels at once
    assertThat(db.usage().apply(slaBatch("node-a:2", "acme", 0, 1))).isTrue(); // both known marked now
    assertThat(types(db, id)).hasSize(2);
    db.registry().inTransaction(tx -> {
      tx.deleteCustomer("acme"); // the retention purge
      return null;
    });
    created.set(T0.plus(Duration.ofDays(1))); // the same id, created again
    assertThat(db.usage().apply(slaBatch("node-a:3", "acme", 100, 5))).isTrue();
    assertThat(types(db, id)).hasSize(4);
  }

  @Test
  void eventOfARolledBackChange_isNeverWritten() {
    Database db = open();
    String id = endpoint(db, "key.created");
    try {
      db.registry().inTransaction(tx -> {
        tx.emit(WebhookEvent.of(EventType.KEY_CREATED, StoreFixtures.T0, Map.of("key_id", "k")));
        throw new IllegalStateException("the change fails");
      });
    } catch (IllegalStateException expected) {
      // the transaction rolled back
    }
    assertThat(types(db, id)).isEmpty();
    db.registry().inTransaction(tx -> {
      tx.emit(WebhookEvent.of(EventType.KEY_CREATED, StoreFixtures.T0, Map.of("key_id", "k")));
      tx.emit(WebhookEvent.of(EventType.KEY_REVOKED, StoreFixtures.T0, Map.of("key_id", "k"))); // not subscribed
      return null;
    });
    assertThat(types(db, id)).containsExactly("key.created");
  }

  @Test
  void twoNodesClaimingAtOnce_neverHoldTheSameDelivery() throws Exception {
    Database a = open();
    Database b = open();
    String id = endpoint(a, "key.created");
    for (int i = 0; i < 60; i++) {
      a.webhooks().sendTest(id, StoreFixtures.T0);
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<List<String>>> claims = new ArrayList<>();
      for (Database db : List.of(a, b)) {
        claims.add(pool.submit((Callable<List<String>>) () -> {
          List<String> mine = new ArrayList<>();
          List<Claimed> got;
          do {
            got = db.webhooks().claimDue(db == a ? "node-a" : "node-b", StoreFixtures.T0.plusSeconds(1),
                StoreFixtures.T0.plusSeconds(61), 4);
            got.forEach(c -> mine.add(c.deliveryId()));
          } while (!got.isEmpty());
          return mine;
        }));
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : claims) {
        all.addAll(f.get());
      }
      assertThat(all).hasSize(60);
      Set<String> distinct = new HashSet<>(all);
      assertThat(distinct).hasSize(60);
    } finally {
      pool.shutdownNow();
    }
    // a claim that ran out is claimed again, and only the newest claim may record the attempt
    List<Claimed> again = b.webhooks().claimDue("node-b", StoreFixtures.T0.plus(Duration.ofMinutes(2)),
        StoreFixtures.T0.plus(Duration.ofMinutes(3)), 100);
    assertThat(again).hasSize(60);
  }

  @Test
  void failedAttempts_afterTheDeadline_markTheDeliveryFailed_andDisableTheEndpointWithAnAuditEntry() {
    Database db = open();
    String id = endpoint(db, "key.created");
    db.webhooks().sendTest(id, StoreFixtures.T0);
    Claimed c = db.webhooks().claimDue("n", StoreFixtures.T0, StoreFixtures.T0.plusSeconds(60), 10).get(0);
    db.webhooks().attemptFailed(c, Optional.of(503), "x".repeat(5000), StoreFixtures.T0, Optional.empty(),
        Optional.of("failing"));
    Delivery d = db.webhooks().deliveries(id, 10).get(0);
    assertThat(d.status()).isEqualTo(Delivery.Status.FAILED);
    assertThat(d.lastStatus()).contains(503);
    assertThat(d.lastError().orElseThrow()).hasSize(1024);
    assertThat(db.webhooks().find(id).orElseThrow().enabled()).isFalse();
    assertThat(db.webhooks().find(id).orElseThrow().disabledReason()).contains("failing");
    assertThat(db.registry().audit(new io.tollgate.registry.RegistryStore.AuditQuery(Optional.empty(),
        Optional.empty(), 10))).anySatisfy(e -> assertThat(e.action()).isEqualTo("webhook.disable"));
    // pruning keeps pending deliveries, however old, and removes the others with their events
    db.webhooks().sendTest(id, StoreFixtures.T0);
    assertThat(db.webhooks().prune(StoreFixtures.T0.plusSeconds(1))).isEqualTo(1);
    assertThat(db.webhooks().deliveries(id, 10)).extracting(Delivery::status).containsExactly(Delivery.Status.PENDING);
    db.webhooks().sendTest(id, StoreFixtures.T0);
    d = db.webhooks().deliveries(id, 10).get(0);
    // a disabled endpoint's deliveries are not claimed
    db.webhooks().retry(id, d.id(), StoreFixtures.T0);
    assertThat(db.webhooks().claimDue("n", StoreFixtures.T0.plusSeconds(1), StoreFixtures.T0.plusSeconds(60), 10))
        .isEmpty();
  }
}
