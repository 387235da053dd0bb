package io.tollgate.store;

import static io.tollgate.store.StoreFixtures.T0;
import static io.tollgate.store.StoreFixtures.audit;
import static io.tollgate.store.StoreFixtures.customer;
import static io.tollgate.store.StoreFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tollgate.json.JsonNumber;
import io.tollgate.keys.KeyDigest;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.Units;
import io.tollgate.metering.UsageBatch;
import io.tollgate.metering.UsageStore;
import io.tollgate.metering.UsageTotals;
import io.tollgate.registry.AdminKey;
import io.tollgate.registry.AuditEntry;
import io.tollgate.registry.Customer;
import io.tollgate.registry.CustomerKey;
import io.tollgate.registry.CustomerStatus;
import io.tollgate.registry.LimitOverrides;
import io.tollgate.registry.RegistryStore;
import io.tollgate.registry.RegistryStore.AuditQuery;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every behaviour of {@link RegistryStore}: writes, transactions, purge and durability here, reads in
 * {@link RegistryQueryContract}. A subclass per dialect only supplies the storage (bucket4j's TCK).
 */
abstract class RegistryStoreContract extends RegistryQueryContract {

  @Test
  void insertCustomer_everyFieldSet_roundTrips() {
    Customer c = customer("acme").metadata(Map.of("plan", "gold"))
        .overrides(new LimitOverrides(Optional.of(new Units(1_500)), Optional.of(QuotaPeriod.MONTH),
            Optional.of(100L), Optional.of(60L), Optional.of(150L)))
        .deactivatedAt(T0.plusSeconds(5)).version(7).build();
    insert(c);
    assertThat(store.findCustomer("acme")).contains(c);
  }

  @Test
  void insertCustomer_everyOptionalEmpty_roundTrips() {
    Customer c = customer("bare").name(Optional.empty()).email(Optional.empty()).namespaces(List.of())
        .metadata(Map.of()).overrides(LimitOverrides.NONE).build();
    insert(c);
    assertThat(store.findCustomer("bare")).contains(c);
  }

  @Test
  void insertCustomer_partialOverridesAndEmptyText_roundTrip() {
    Customer c = customer("part").name(Optional.of("")).overrides(new LimitOverrides(Optional.empty(),
        Optional.of(QuotaPeriod.YEAR), Optional.of(5L), Optional.empty(), Optional.empty())).build();
    insert(c);
    assertThat(store.findCustomer("part")).contains(c);
  }

  @Test
  void insertCustomer_jsonMetadata_roundTripsExactly_numbersAsTheirText() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("list", List.of(JsonNumber.of("1"), "two", JsonNumber.of("3.50"), false));
    nested.put("nothing", null);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("int", JsonNumber.of("42"));
    metadata.put("big", JsonNumber.of("18446744073709551617"));
    metadata.put("digits", JsonNumber.of("123456789012345678901234567890"));
    metadata.put("decimal", JsonNumber.of("0.100000000000000000000000000001"));
    metadata.put("exponent", JsonNumber.of("1e308"));
    metadata.put("negative_zero", JsonNumber.of("-0"));
    metadata.put("bool", true);
    metadata.put("text", "naïve \"quoted\" ✓");
    metadata.put("nested", nested);
    metadata.put("null", null);
    insert(customer("meta").metadata(metadata).build());
    assertThat(store.findCustomer("meta").orElseThrow().metadata()).isEqualTo(metadata);

    Map<String, Object> javaNumbers = new LinkedHashMap<>(); // as a Java caller may give them: written as their text
    javaNumbers.put("int", 42);
    javaNumbers.put("long", 9_000_000_000L);
    javaNumbers.put("big", new BigInteger("123456789012345678901234567890"));
    javaNumbers.put("decimal", new BigDecimal("0.10"));
    insert(customer("meta-java").metadata(javaNumbers).build());
    assertThat(store.findCustomer("meta-java").orElseThrow().metadata()).containsExactly(
        Map.entry("int", JsonNumber.of("42")), Map.entry("long", JsonNumber.of("9000000000")),
        Map.entry("big", JsonNumber.of("123456789012345678901234567890")), Map.entry("decimal", JsonNumber.of("0.10")));
  }

  @Test
  void findCustomer_unknownId_isEmpty() {
    assertThat(store.findCustomer("nobody")).isEmpty();
  }

  @Test
  void storedInstants_subMillisecond_areTruncatedToMillis() {
    insert(customer("nanos").createdAt(Instant.parse("2026-01-15T10:00:00.123456789Z")).build());
    assertThat(store.findCustomer("nanos").orElseThrow().createdAt()).isEqualTo(T0);
  }

  @Test
  void updateCustomer_knownId_replacesEveryField() {
    insert(customer("acme").build());
    Customer changed = customer("acme").name(Optional.empty()).email(Optional.of("new@acme.example")).tier("growth")
        .namespaces(List.of("prod")).status(CustomerStatus.SUSPENDED).metadata(Map.of("k", List.of()))
        .overrides(new LimitOverrides(Optional.empty(), Optional.empty(), Optional.of(9L), Optional.empty(),
            Optional.empty()))
        .createdAt(T0.plusSeconds(1)).version(2).build();
    store.inTransaction(tx -> {
      tx.updateCustomer(changed);
      return null;
    });
    assertThat(store.findCustomer("acme")).contains(changed);
  }

  @Test
  void touchKeys_movesLastUsedForwardOnly_andIgnoresUnknownKeys() {
    insert(customer("acme").build());
    store.inTransaction(tx -> {
      tx.insertKey(key("acme", "key_1").build());
      return null;
    });
    store.touchKeys(Map.of("key_1", T0.plusSeconds(60), "key_unknown", T0));
    store.touchKeys(Map.of("key_1", T0.plusSeconds(30)));
    assertThat(store.keysOf("acme").get(0).lastUsedAt()).contains(T0.plusSeconds(60));
  }

  @Test
  void updateCustomer_unknownId_throwsAndRollsBack() {
    assertThatThrownBy(() -> store.inTransaction(tx -> {
      tx.insertCustomer(customer("first").build());
      tx.updateCustomer(customer("ghost").build());
      return null;
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("ghost");
    assertThat(store.findCustomer("first")).isEmpty();
  }

  @Test
  void inTransaction_workThrows_rollsBackEverythingAndRethrowsTheSameException() {
    RuntimeException failure = new UnsupportedOperationException("boom");
    assertThatThrownBy(() -> store.inTransaction(tx -> {
      tx.insertCustomer(customer("acme").build());
      tx.insertKey(key("acme", "key_1").build());
      tx.appendAudit(audit("acme", "customer.create"));
      tx.insertAdminKey(new AdminKey("adm_1", StoreFixtures.randomDigest(), T0));
      throw failure;
    })).isSameAs(failure);
    assertThat(store.findCustomer("acme")).isEmpty();
    assertThat(store.keysOf("acme")).isEmpty();
    assertThat(store.audit(allAudit(10))).isEmpty();
    assertThat(store.adminKeys()).isEmpty();
  }

  @Test
  void inTransaction_workReturns_commitsAndReturnsItsResult() {
    String result = store.inTransaction(tx -> {
      tx.insertCustomer(customer("acme").build());
      return tx.lockCustomer("acme").orElseThrow().id();
    });
    assertThat(result).isEqualTo("acme");
    assertThat(store.findCustomer("acme")).isPresent();
  }

  @Test
  void insertCustomer_duplicateId_isRefused() {
    insert(customer("acme").build());
    assertThatThrownBy(() -> insert(customer("acme").tier("growth").build()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.findCustomer("acme").orElseThrow().tier()).isEqualTo("starter");
  }

  @Test
  void insertKey_everyField_roundTrips() {
    CustomerKey full = key("acme", "key_full").build();
    CustomerKey bare = key("acme", "key_bare").bare().createdAt(T0.plusSeconds(1)).build();
    insert(customer("acme").build(), full, bare);
    assertThat(store.keysOf("acme")).containsExactly(full, bare);
  }

  @Test
  void insertKey_duplicateDigest_isRefusedWithoutQuotingIt() {
    KeyDigest digest = StoreFixtures.randomDigest();
    insert(customer("acme").build(), key("acme", "key_1").digest(digest).build());
    Throwable thrown = catchThrowable(() -> store.inTransaction(tx -> {
      tx.insertKey(key("acme", "key_2").digest(digest).build());
      return null;
    }));
    assertThat(thrown).isInstanceOf(IllegalStateException.class);
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(digest.toHex());
    }
    assertThat(store.keysOf("acme")).extracting(CustomerKey::id).containsExactly("key_1");
  }

  @Test
  void insertKey_unknownCustomer_isRefused() {
    assertThatThrownBy(() -> store.inTransaction(tx -> {
      tx.insertKey(key("nobody", "key_1").build());
      return null;
    })).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void updateKey_knownKey_changesOnlyItsMutableFields() {
    CustomerKey original = key("acme", "key_1").bare().build();
    insert(customer("acme").build(), original);
    CustomerKey changed = new CustomerKey("key_1", "acme", Optional.of("renamed"), original.environment(),
        original.displayPrefix(), original.digest(), List.of("default"), original.createdAt(),
        Optional.of(T0.plusSeconds(1)), Optional.of(T0.plusSeconds(2)), Optional.of(T0.plusSeconds(3)),
        Optional.empty());
    store.inTransaction(tx -> {
      tx.updateKey(changed);
      return null;
    });
    assertThat(store.keysOf("acme")).containsExactly(changed);
  }

  @Test
  void updateKey_unknownKey_throws() {
    insert(customer("acme").build());
    assertThatThrownBy(() -> store.inTransaction(tx -> {
      tx.updateKey(key("acme", "key_none").build());
      return null;
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("key_none");
  }

  @Test
  void purgeDeactivated_oldDeactivatedCustomers_deletesThemWithKeysAndUsageKeepsAudit() {
    insert(customer("old").deactivatedAt(T0).build(), key("old", "key_old").build());
    insert(customer("recent").deactivatedAt(T0.plusSeconds(100)).build());
    insert(customer("active").build(), key("active", "key_act").build());
    LocalDate day = LocalDate.of(2026, 1, 15);
    database.usage().apply(new UsageBatch("b1",
        List.of(new UsageBatch.UsageRow("old", "key_old", "get", day, Units.of(3), 3),
            new UsageBatch.UsageRow("active", "key_act", "get", day, Units.of(1), 1)),
        List.of(new UsageBatch.RefusalRow("old", "", "rate_limited", day, 2))));

    List<String> purged = store.purgeDeactivated(T0.plusSeconds(50), id -> audit(id, "customer.purge"));

    assertThat(purged).containsExactly("old");
    assertThat(store.findCustomer("old")).isEmpty();
    assertThat(store.keysOf("old")).isEmpty();
    assertThat(store.findCustomer("recent")).isPresent();
    assertThat(store.keysOf("active")).hasSize(1);
    assertThat(database.usage().totals("old", day, day.plusDays(1))).isEqualTo(UsageTotals.EMPTY);
    assertThat(database.usage().totals("active", day, day.plusDays(1)).units()).isEqualTo(Units.of(1));
    assertThat(store.audit(new AuditQuery(Optional.of("old"), Optional.empty(), 5)))
        .extracting(AuditEntry::action).containsExactly("customer.purge");
  }

  @Test
  void purgeDeactivated_usageOfItsKeysArrivingLater_isDropped_andOthersInTheBatchAreKept() {
    insert(customer("old").deactivatedAt(T0).build(), key("old", "key_old").build());
    insert(customer("active").build(), key("active", "key_act").build());
    assertThat(store.purgeDeactivated(T0.plusSeconds(50), id -> audit(id, "customer.purge"))).containsExactly("old");
    insert(customer("old").createdAt(T0.plusSeconds(60)).build(), key("old", "key_new").build()); // created again
    LocalDate day = LocalDate.of(2026, 1, 15);
    database.usage().apply(new UsageBatch("late",
        List.of(new UsageBatch.UsageRow("old", "key_old", "get", day, Units.of(3), 3),
            new UsageBatch.UsageRow("active", "key_act", "get", day, Units.of(1), 1)),
        List.of(new UsageBatch.RefusalRow("old", "key_old", "rate_limited", day, 2))));

    assertThat(database.usage().totals("old", day, day.plusDays(1))).isEqualTo(UsageTotals.EMPTY);
    assertThat(database.usage().exportRows(day, day.plusDays(1))).extracting(UsageStore.ExportRow::customerId)
        .containsExactly("active");
    assertThat(database.usage().totals("active", day, day.plusDays(1)).units()).isEqualTo(Units.of(1));
  }

  @Test
  void purgeDeactivated_lateBatchOfMoreKeysThanOneQueryAsksAbout_dropsEveryPurgedKeysRows() {
    int purgedKeys = 1_201; // three queries of at most 500 ids
    CustomerKey[] keys = java.util.stream.IntStream.range(0, purgedKeys)
        .mapToObj(i -> key("old", "key_old" + i).build()).toArray(CustomerKey[]::new);
    insert(customer("old").deactivatedAt(T0).build(), keys);
    insert(customer("active").build(), key("active", "key_act").build());
    assertThat(store.purgeDeactivated(T0.plusSeconds(50), id -> audit(id, "customer.purge"))).containsExactly("old");
    LocalDate day = LocalDate.of(2026, 1, 15);
    List<UsageBatch.UsageRow> rows = new java.util.ArrayList<>();
    rows.add(new UsageBatch.UsageRow("active", "key_act", "get", day, Units.of(1), 1));
    for (CustomerKey k : keys) {
      rows.add(new UsageBatch.UsageRow("old", k.id(), "get", day, Units.of(1), 1));
    }
    database.usage().apply(new UsageBatch("late-many", rows, List.of()));

    assertThat(database.usage().totals("old", day, day.plusDays(1))).isEqualTo(UsageTotals.EMPTY);
    assertThat(database.usage().exportRows(day, day.plusDays(1))).extracting(UsageStore.ExportRow::customerId)
        .containsExactly("active");
  }

  /**
   * A usage batch applied while a purge of its customer is under way, not yet committed (PostgreSQL: read
   * committed, so the batch's look at {@code purged_keys} does not see the purge's uncommitted ids, and the purge's
   * deletes do not see the batch's uncommitted rows): the batch waits for the purge and then drops the rows, or the
   * purge waits for the batch and then deletes them; either way no usage of a purged key is left.
   */
  @Test
  void purgeDeactivated_batchAppliedWhileThePurgeIsUncommitted_leavesNoUsageOfThePurgedKeys() throws Exception {
    insert(customer("old").deactivatedAt(T0).build(), key("old", "key_old").build());
    insert(customer("active").build(), key("active", "key_act").build());
    LocalDate day = LocalDate.of(2026, 1, 15);
    UsageBatch late = new UsageBatch("during-purge",
        List.of(new UsageBatch.UsageRow("old", "key_old", "get", day, Units.of(3), 3),
            new UsageBatch.UsageRow("active", "key_act", "get", day, Units.of(1), 1)),
        List.of(new UsageBatch.RefusalRow("old", "key_old", "rate_limited", day, 2)));
    java.util.concurrent.CompletableFuture<Boolean> applied = new java.util.concurrent.CompletableFuture<>();
    store.purgeDeactivated(T0.plusSeconds(50), id -> {
      // inside the purge's transaction, after its deletes: the batch runs now, on another connection
      Thread.ofPlatform().start(() -> {
        try {
          applied.complete(database.usage().apply(late));
        } catch (RuntimeException e) {
          applied.completeExceptionally(e);
        }
      });
      try {
        applied.get(500, java.util.concurrent.TimeUnit.MILLISECONDS); // done, or waiting for the purge to end
      } catch (java.util.concurrent.TimeoutException e) {
        // the batch waits for this transaction: it commits now
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return audit(id, "customer.purge");
    });
    assertThat(applied.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    assertThat(database.usage().totals("old", day, day.plusDays(1))).isEqualTo(UsageTotals.EMPTY);
    assertThat(database.usage().exportRows(day, day.plusDays(1))).extracting(UsageStore.ExportRow::customerId)
        .containsExactly("active");
  }

  @Test
  void lockCustomer_concurrentTransactions_serializeEveryIncrement() throws Exception {
    insert(customer("acme").version(1).build());
    int threads = 8;
    int rounds = 10;
    Concurrently.run(threads, () -> {
      for (int r = 0; r < rounds; r++) {
        store.inTransaction(tx -> {
          Customer c = tx.lockCustomer("acme").orElseThrow();
          tx.updateCustomer(customer("acme").version(c.version() + 1).build());
          return null;
        });
      }
      return null;
    });
    assertThat(store.findCustomer("acme").orElseThrow().version()).isEqualTo(1 + threads * rounds);
  }

  @Test
  void reopen_sameStorage_keepsEverything() {
    Customer c = customer("acme").build();
    CustomerKey k = key("acme", "key_1").build();
    AdminKey admin = new AdminKey("adm_1", StoreFixtures.randomDigest(), T0);
    store.inTransaction(tx -> {
      tx.insertCustomer(c);
      tx.insertKey(k);
      tx.insertAdminKey(admin);
      tx.appendAudit(audit("acme", "customer.create"));
      return null;
    });
    database.close();

    RegistryStore reopened = open().registry();

    assertThat(reopened.findCustomer("acme")).contains(c);
    assertThat(reopened.keysOf("acme")).containsExactly(k);
    assertThat(reopened.adminKeys()).containsExactly(admin);
    assertThat(reopened.audit(allAudit(5))).hasSize(1);
  }

  @Test
  void isHealthy_openThenClosed_trueThenFalse() {
    assertThat(store.isHealthy()).isTrue();
    store.close();
    assertThat(store.isHealthy()).isFalse();
    assertThatThrownBy(() -> store.findCustomer("acme")).isInstanceOf(StoreUnavailableException.class);
  }
}
