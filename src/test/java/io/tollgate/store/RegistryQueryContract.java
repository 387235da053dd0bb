package io.tollgate.store;

import static io.tollgate.store.StoreFixtures.T0;
import static io.tollgate.store.StoreFixtures.audit;
import static io.tollgate.store.StoreFixtures.customer;
import static io.tollgate.store.StoreFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.Catalog;
import io.tollgate.config.ConfigLoader;
import io.tollgate.json.JsonNumber;
import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.registry.AdminKey;
import io.tollgate.registry.Actor;
import io.tollgate.registry.AuditEntry;
import io.tollgate.registry.AuditEntry.FieldChange;
import io.tollgate.registry.Customer;
import io.tollgate.registry.CustomerKey;
import io.tollgate.registry.CustomerStatus;
import io.tollgate.registry.LimitOverrides;
import io.tollgate.registry.LiveRegistry;
import io.tollgate.registry.RegistryLoadSink;
import io.tollgate.registry.RegistryStore;
import io.tollgate.registry.RegistryStore.AuditQuery;
import io.tollgate.registry.RegistryStore.CustomerQuery;
import io.tollgate.registry.RegistryView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read side of {@link RegistryStore}: listings, cursors, the audit log and the snapshot. Part of
 * {@link RegistryStoreContract}, which every dialect's test extends.
 */
abstract class RegistryQueryContract extends StoreContractBase {
  Database database;
  RegistryStore store;

  @BeforeEach
  final void openStore() {
    database = open();
    store = database.registry();
  }

  final void insert(Customer c, CustomerKey... keys) {
    store.inTransaction(tx -> {
      tx.insertCustomer(c);
      Arrays.stream(keys).forEach(tx::insertKey);
      return null;
    });
  }

  static AuditQuery allAudit(int limit) {
    return new AuditQuery(Optional.empty(), Optional.empty(), limit);
  }

  @Test
  void keysOf_severalKeys_oldestFirstThenById() {
    insert(customer("acme").build(),
        key("acme", "key_c").createdAt(T0.plusSeconds(5)).build(),
        key("acme", "key_b").createdAt(T0).build(),
        key("acme", "key_a").createdAt(T0.plusSeconds(5)).build());
    assertThat(store.keysOf("acme")).extracting(CustomerKey::id).containsExactly("key_b", "key_a", "key_c");
    List<CustomerKey> inTransaction = store.inTransaction(tx -> tx.keysOf("acme"));
    assertThat(inTransaction).isEqualTo(store.keysOf("acme"));
  }

  @Test
  void keysOf_unknownCustomer_isEmpty() {
    assertThat(store.keysOf("nobody")).isEmpty();
  }

  @Test
  void digestExists_customerAndAdminDigests_areFoundOthersNot() {
    KeyDigest customerDigest = StoreFixtures.randomDigest();
    AdminKey admin = new AdminKey("adm_1", StoreFixtures.randomDigest(), T0);
    store.inTransaction(tx -> {
      tx.insertCustomer(customer("acme").build());
      tx.insertKey(key("acme", "key_1").digest(customerDigest).build());
      tx.insertAdminKey(admin);
      return null;
    });
    List<Boolean> found = store.inTransaction(tx -> List.of(tx.digestExists(customerDigest),
        tx.digestExists(admin.digest()), tx.digestExists(StoreFixtures.randomDigest())));
    assertThat(found).containsExactly(true, true, false);
    assertThat(store.adminKeys()).containsExactly(admin);
  }

  @Test
  void listCustomers_noFilter_orderedByCodePointAndLimited() {
    for (String id : List.of("b_x", "a-b", "ab", "a_b", "a0")) {
      insert(customer(id).build());
    }
    assertThat(store.listCustomers(new CustomerQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 10)))
        .extracting(Customer::id).containsExactly("a-b", "a0", "a_b", "ab", "b_x");
    assertThat(store.listCustomers(new CustomerQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 2)))
        .extracting(Customer::id).containsExactly("a-b", "a0");
  }

  @Test
  void listCustomers_tierAndStatusFilters_returnOnlyMatches() {
    insert(customer("c1").tier("growth").build());
    insert(customer("c2").tier("growth").status(CustomerStatus.SUSPENDED).build());
    insert(customer("c3").tier("starter").status(CustomerStatus.SUSPENDED).build());
    insert(customer("c4").tier("growth").deactivatedAt(T0).build());
    assertThat(ids(new CustomerQuery(Optional.of("growth"), Optional.empty(), Optional.empty(), Optional.empty(), 10)))
        .containsExactly("c1", "c2", "c4");
    assertThat(ids(new CustomerQuery(Optional.empty(), Optional.of(CustomerStatus.SUSPENDED), Optional.empty(),
        Optional.empty(), 10)))
        .containsExactly("c2", "c3");
    assertThat(ids(new CustomerQuery(Optional.of("growth"), Optional.of(CustomerStatus.DEACTIVATED),
        Optional.empty(), Optional.empty(), 10))).containsExactly("c4");
  }

  @Test
  void listCustomers_afterIdCursor_pagesThroughEveryCustomerOnce() {
    for (int i = 0; i < 7; i++) {
      insert(customer("cus-" + i).tier(i % 2 == 0 ? "growth" : "starter").build());
    }
    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    List<String> page;
    do {
      page = ids(new CustomerQuery(Optional.of("growth"), Optional.empty(), Optional.empty(), cursor, 2));
      seen.addAll(page);
      cursor = page.isEmpty() ? cursor : Optional.of(page.get(page.size() - 1));
    } while (page.size() == 2);
    assertThat(seen).containsExactly("cus-0", "cus-2", "cus-4", "cus-6");
  }

  @Test
  void listCustomers_search_matchesIdNameOrEmailIgnoringAsciiCase() {
    insert(named("acme-1", "Rockets", null));
    insert(named("beta", "The ACME Company", null));
    insert(named("gamma", null, "Ops@AcMe.example"));
    insert(named("delta", "Delta", "d@delta.example"));
    insert(named("epsilon", "Epsilon", "e@epsilon.example"));
    assertThat(ids(search("AcMe", Optional.empty(), 10))).containsExactly("acme-1", "beta", "gamma");
    assertThat(ids(search("delta.EX", Optional.empty(), 10))).containsExactly("delta");
    assertThat(ids(search("nothing", Optional.empty(), 10))).isEmpty();
  }

  @Test
  void listCustomers_searchWithWildcardsAndEscape_matchesThemLiterally() {
    insert(named("a_b", null, null));
    insert(named("axb", "50% off", null));
    insert(named("c", "back\\slash", null));
    insert(named("d", "5000 off", null));
    insert(named("e", "Hey! 50 off", null));
    assertThat(ids(search("_", Optional.empty(), 10))).containsExactly("a_b");
    assertThat(ids(search("a_b", Optional.empty(), 10))).containsExactly("a_b");
    assertThat(ids(search("%", Optional.empty(), 10))).containsExactly("axb");
    assertThat(ids(search("0% o", Optional.empty(), 10))).containsExactly("axb");
    assertThat(ids(search("\\", Optional.empty(), 10))).containsExactly("c");
    assertThat(ids(search("k\\s", Optional.empty(), 10))).containsExactly("c");
    assertThat(ids(search("!", Optional.empty(), 10))).containsExactly("e");
    assertThat(ids(search("y! 5", Optional.empty(), 10))).containsExactly("e");
    assertThat(ids(search("!%", Optional.empty(), 10))).isEmpty();
  }

  @Test
  void listCustomers_searchWithFiltersAndCursor_pagesThroughMatchesOnce() {
    for (int i = 0; i < 7; i++) {
      insert(customer("cus-" + i).name(Optional.of(i % 3 == 0 ? "Blue Shop" : "Red Shop")).email(Optional.empty())
          .tier(i % 2 == 0 ? "growth" : "starter").build());
    }
    insert(customer("other").name(Optional.of("Other")).email(Optional.empty()).tier("growth").build());
    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    List<String> page;
    do {
      page = ids(new CustomerQuery(Optional.of("growth"), Optional.empty(), Optional.of("shop"), cursor, 2));
      seen.addAll(page);
      cursor = page.isEmpty() ? cursor : Optional.of(page.get(page.size() - 1));
    } while (page.size() == 2);
    assertThat(seen).containsExactly("cus-0", "cus-2", "cus-4", "cus-6");
    assertThat(ids(new CustomerQuery(Optional.of("growth"), Optional.of(CustomerStatus.ACTIVE), Optional.of("BLUE"),
        Optional.empty(), 10))).containsExactly("cus-0", "cus-6");
  }

  private static Customer named(String id, String name, String email) {
    return customer(id).name(Optional.ofNullable(name)).email(Optional.ofNullable(email)).build();
  }

  private static CustomerQuery search(String text, Optional<String> afterId, int limit) {
    return new CustomerQuery(Optional.empty(), Optional.empty(), Optional.of(text), afterId, limit);
  }

  private List<String> ids(CustomerQuery query) {
    return store.listCustomers(query).stream().map(Customer::id).toList();
  }

  @Test
  void audit_entries_newestFirstWithIncreasingIdsAndChangesKept() {
    Map<String, FieldChange> changes = new LinkedHashMap<>();
    changes.put("tier", new FieldChange("starter", "growth"));
    changes.put("email", new FieldChange(null, "a@b.example"));
    changes.put("metadata", new FieldChange(Map.of("a", JsonNumber.of("1.50")), Map.of("a", List.of(true))));
    AuditEntry first = new AuditEntry(0, T0, Actor.compat("adm_1"), "customer.update", "acme", Optional.of("key_1"), changes);
    store.inTransaction(tx -> {
      tx.appendAudit(first);
      tx.appendAudit(audit("acme", "key.revoke"));
      return null;
    });
    List<AuditEntry> entries = store.audit(allAudit(10));
    assertThat(entries).extracting(AuditEntry::action).containsExactly("key.revoke", "customer.update");
    assertThat(entries.get(0).id()).isGreaterThan(entries.get(1).id()).isPositive();
    AuditEntry stored = entries.get(1);
    assertThat(new AuditEntry(0, stored.at(), stored.actor(), stored.action(), stored.customerId(), stored.keyId(),
        stored.changes())).isEqualTo(first);
    assertThat(stored.changes().keySet()).containsExactly("tier", "email", "metadata");
  }

  @Test
  void audit_customerFilterAndBeforeIdCursor_pageThroughOneCustomer() {
    store.inTransaction(tx -> {
      for (int i = 0; i < 5; i++) {
        tx.appendAudit(audit("acme", "acme." + i));
        tx.appendAudit(audit("other", "other." + i));
      }
      return null;
    });
    List<AuditEntry> firstPage = store.audit(new AuditQuery(Optional.of("acme"), Optional.empty(), 3));
    assertThat(firstPage).extracting(AuditEntry::action).containsExactly("acme.4", "acme.3", "acme.2");
    List<AuditEntry> secondPage = store.audit(new AuditQuery(Optional.of("acme"),
        Optional.of(firstPage.get(2).id()), 3));
    assertThat(secondPage).extracting(AuditEntry::action).containsExactly("acme.1", "acme.0");
    assertThat(store.audit(allAudit(3)))
        .extracting(AuditEntry::action).containsExactly("other.4", "acme.4", "other.3");
  }

  @Test
  void loadAll_severalCustomers_returnsEveryCustomerAndKey() {
    Customer a = customer("a").build();
    Customer b = customer("b").deactivatedAt(T0).build();
    CustomerKey a1 = key("a", "key_1").build();
    CustomerKey b1 = key("b", "key_2").bare().build();
    insert(b, b1);
    insert(a, a1);
    RegistryStore.RegistrySnapshot snapshot = store.loadAll();
    assertThat(snapshot.customers()).containsExactly(a, b);
    assertThat(snapshot.keys()).containsExactly(a1, b1);
  }

  @Test
  void loadInto_streamsTheGatesColumnsOfEveryCustomerAndKey_asLoadAllHoldsThem() {
    insert(customer("a").overrides(new LimitOverrides(Optional.empty(), Optional.empty(), Optional.of(7L),
            Optional.empty(), Optional.empty())).namespaces(List.of("prod", "default")).build(),
        key("a", "key_1").build(), key("a", "key_2").bare().build());
    insert(customer("b").status(CustomerStatus.SUSPENDED).build(), key("b", "key_3").bare().build());
    insert(customer("c").deactivatedAt(T0).build());
    Recording streamed = new Recording();
    long feedVersion = store.loadInto(streamed);
    Recording expected = new Recording();
    RegistryStore.RegistrySnapshot snapshot = store.loadAll();
    snapshot.customers().forEach(expected::customer);
    snapshot.keys().forEach(expected::key);
    assertThat(streamed.customers).containsExactlyInAnyOrderElementsOf(expected.customers).hasSize(3);
    assertThat(streamed.keys).containsExactlyInAnyOrderElementsOf(expected.keys).hasSize(3);
    assertThat(streamed.expected).containsExactly(3, 3);
    assertThat(feedVersion).isEqualTo(snapshot.feedVersion()).isPositive();
  }

  @Test
  void loadInto_moreKeysThanOneCursorFetch_streamsThemAll() {
    CustomerKey[] keys = new CustomerKey[RegistryStream.FETCH + 5];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = key("bulk", "key_" + i).bare().build();
    }
    insert(customer("bulk").build(), keys);
    Recording streamed = new Recording();
    store.loadInto(streamed);
    assertThat(streamed.keys).hasSize(keys.length);
    assertThat(streamed.keys.getLast()).startsWith("key_");
  }

  @Test
  void loadInto_emptyTables_streamsNoRowAndLoadsAnEmptyView() {
    Recording streamed = new Recording();
    store.loadInto(streamed);
    assertThat(streamed.expected).containsExactly(0, 0);
    assertThat(streamed.customers).isEmpty();
    assertThat(streamed.keys).isEmpty();
    LiveRegistry live = LiveRegistry.load(store, CATALOG);
    assertThat(live.counts().customers()).isZero();
    assertThat(live.counts().keys()).isZero();
  }

  @Test
  void loadInto_nonAsciiIds_viewFindsThemByTheirText() {
    String customerId = "kunde-\u00fc-\u6771\u4eac-\ud83d\ude80";
    CustomerKey k = key(customerId, "key_\u00df\u00e9-1").bare().build();
    insert(customer(customerId).build(), k);
    insert(customer("ascii").build(), key("ascii", "key_2").bare().build());
    RegistryView view = LiveRegistry.load(store, CATALOG).view();
    assertThat(view.findCustomer(customerId)).map(e -> e.customer().id()).contains(customerId);
    RegistryView.KeyEntry found = view.findKey(k.digest()).orElseThrow();
    assertThat(found.key().id()).isEqualTo("key_\u00df\u00e9-1");
    assertThat(found.key().customerId()).isEqualTo(customerId);
    assertThat(found.owner().customer().id()).isEqualTo(customerId);
    Recording streamed = new Recording();
    store.loadInto(streamed);
    assertThat(streamed.keys).anySatisfy(line -> assertThat(line).startsWith("key_\u00df\u00e9-1|" + customerId + "|"));
  }

  @Test
  void loadInto_10kRows_viewAnswersEveryKeyAsTheStoredObjects() {
    List<String> statuses = List.of("active", "suspended");
    store.inTransaction(tx -> {
      for (int i = 0; i < 10_000; i++) {
        String id = (i % 7 == 0 ? "k\u00fcnde-" : "c") + i;
        StoreFixtures.CustomerBuilder c = customer(id).tier(i % 5 == 0 ? "growth" : "starter")
            .namespaces(i % 3 == 0 ? List.of("default") : List.of("default", "staging"));
        if (i % 11 == 0) {
          c.status(CustomerStatus.fromWire(statuses.get(i % 2)).orElseThrow());
        }
        tx.insertCustomer(c.build());
        StoreFixtures.KeyBuilder k = key(id, "key_" + i);
        tx.insertKey(i % 2 == 0 ? k.bare().build() : k.build());
        if (i % 13 == 0) {
          tx.insertKey(key(id, "key_" + i + "_b").build());
        }
      }
      return null;
    });
    RegistryStore.RegistrySnapshot objects = store.loadAll();
    RegistryView view = LiveRegistry.load(store, CATALOG).view();
    assertThat(view.customerCount()).isEqualTo(objects.customers().size()).isEqualTo(10_000);
    assertThat(view.keyCount()).isEqualTo(objects.keys().size());
    Map<String, Customer> byId = new LinkedHashMap<>();
    objects.customers().forEach(c -> byId.put(c.id(), c));
    for (CustomerKey k : objects.keys()) {
      RegistryView.KeyEntry e = view.findKey(k.digest()).orElseThrow();
      assertThat(List.of(e.key().id(), e.key().customerId(), e.key().environment(), e.key().namespaces(),
          e.key().revokedAt(), e.key().expiresAt())).isEqualTo(List.of(k.id(), k.customerId(), k.environment(),
          k.namespaces(), k.revokedAt(), k.expiresAt()));
      Customer c = byId.get(k.customerId());
      Customer seen = e.owner().customer();
      assertThat(List.of(seen.id(), seen.tier(), seen.namespaces(), seen.status(), seen.overrides(),
          seen.createdAt(), seen.version())).isEqualTo(List.of(c.id(), c.tier(), c.namespaces(), c.status(),
          c.overrides(), c.createdAt(), c.version()));
    }
  }

  @Test
  void loadInto_customerIdsHoldingCommasTabsAndNonAscii_createdBeforeTheEpoch_streamAsStored_onOneThreadAndOnTwo() {
    String odd = "k\u00fcnde,\t-\u6771,3,";
    insert(customer(odd).createdAt(Instant.ofEpochMilli(-86_400_123)).version(9_007_199_254_740_993L).build(),
        key(odd, "key_1").bare().build());
    insert(customer("12").createdAt(Instant.EPOCH).build(), key("12", "key_2").bare().build());
    Recording one = new Recording();
    store.loadInto(one);
    Recording expected = new Recording();
    store.loadAll().customers().forEach(expected::customer);
    assertThat(one.customers).containsExactlyInAnyOrderElementsOf(expected.customers).hasSize(2)
        .anySatisfy(line -> assertThat(line).startsWith(odd + "|").endsWith("|-86400123|9007199254740993"));
    Recording customers = new Recording();
    Recording keys = new Recording();
    assertThat(store.loadInParallel(customers, keys)).isPresent();
    assertThat(customers.customers).containsExactlyInAnyOrderElementsOf(expected.customers);
    RegistryView view = LiveRegistry.load(store, CATALOG).view();
    assertThat(view.findCustomer(odd)).map(e -> e.customer().version()).contains(9_007_199_254_740_993L);
    assertThat(view.findKey(store.keysOf(odd).getFirst().digest())).map(e -> e.owner().customer().id())
        .contains(odd);
  }

  @Test
  void loadInto_keysRevokedOnlyExpiredOnlyBothOrNeither_streamEachInstantAsStored_onOneThreadAndOnTwo() {
    Instant revoked = T0.plusMillis(1_234_567);
    Instant expires = T0.plusSeconds(86_400).plusMillis(89);
    Instant beforeEpoch = Instant.ofEpochMilli(-5_000);
    insert(customer("a").build(), key("a", "key_neither").bare().build(),
        key("a", "key_revoked").bare().revokedAt(Optional.of(revoked)).build(),
        key("a", "key_expires").bare().expiresAt(Optional.of(expires)).build(),
        key("a", "key_both").bare().revokedAt(Optional.of(revoked)).expiresAt(Optional.of(expires)).build(),
        key("a", "key_early").bare().revokedAt(Optional.of(beforeEpoch)).expiresAt(Optional.of(Instant.EPOCH))
            .build());
    Recording one = new Recording();
    store.loadInto(one);
    Recording expected = new Recording();
    store.loadAll().keys().forEach(expected::key);
    assertThat(one.keys).containsExactlyInAnyOrderElementsOf(expected.keys).hasSize(5)
        .anySatisfy(line -> assertThat(line).startsWith("key_revoked|")
            .endsWith("|" + revoked.toEpochMilli() + "|" + RegistryLoadSink.NONE))
        .anySatisfy(line -> assertThat(line).startsWith("key_early|").endsWith("|-5000|0"));
    Recording customers = new Recording();
    Recording keys = new Recording();
    assertThat(store.loadInParallel(customers, keys)).isPresent();
    assertThat(keys.keys).containsExactlyInAnyOrderElementsOf(expected.keys);
    RegistryView view = LiveRegistry.load(store, CATALOG).view();
    for (CustomerKey k : store.loadAll().keys()) {
      CustomerKey seen = view.findKey(k.digest()).orElseThrow().key();
      assertThat(List.of(seen.id(), seen.revokedAt(), seen.expiresAt()))
          .isEqualTo(List.of(k.id(), k.revokedAt(), k.expiresAt()));
    }
  }

  @Test
  void loadInParallel_streamsWhatLoadIntoStreams_customersAndKeysApart() {
    insert(customer("a").namespaces(List.of("prod", "default")).build(), key("a", "key_1").build(),
        key("a", "key_2").bare().build());
    insert(customer("b").status(CustomerStatus.SUSPENDED).build(), key("b", "key_3").bare().build());
    insert(customer("c").build());
    Recording one = new Recording();
    long feedVersion = store.loadInto(one);
    Recording customers = new Recording();
    Recording keys = new Recording();
    assertThat(store.loadInParallel(customers, keys)).hasValue(feedVersion);
    assertThat(customers.customers).containsExactlyInAnyOrderElementsOf(one.customers).hasSize(3);
    assertThat(customers.keys).isEmpty();
    assertThat(keys.keys).containsExactlyInAnyOrderElementsOf(one.keys).hasSize(3);
    assertThat(keys.customers).isEmpty();
    assertThat(customers.expected).containsExactly(3, 0);
    assertThat(keys.expected).containsExactly(0, 3);
  }

  @Test
  void loadInParallel_changeCommittedBetweenTheTwoFirstReads_bothStreamsMissItOrTheLoadIsRefused() {
    insert(customer("a").build(), key("a", "key_1").build());
    GuardedJdbi guard = ((JdbiRegistryStore) store).guard();
    Recording customers = new Recording();
    Recording keys = new Recording();
    OptionalLong loaded = guard.inTwoReadSnapshots((first, second) -> {
      long before = FeedLog.current(first); // the first connection's snapshot is taken
      // commits on a third connection (another thread: Jdbi would run it on this thread's open handle)
      java.util.concurrent.CompletableFuture.runAsync(() -> insert(customer("late").build(),
          key("late", "key_late").build())).join();
      assertThat(FeedLog.current(first)).isEqualTo(before);
      return RegistryStream.inParallel(first, second, customers, keys);
    });
    if (guard.dialect().name().equals("postgresql")) {
      assertThat(loaded).as("the second connection imports the first's snapshot").isPresent();
    } else {
      assertThat(loaded).as("SQLite: the second snapshot began after the commit").isEmpty();
    }
    if (loaded.isPresent()) {
      assertThat(customers.customers).singleElement().asString().startsWith("a|");
      assertThat(keys.keys).singleElement().asString().startsWith("key_1|");
    }
    assertThat(LiveRegistry.load(store, CATALOG).counts().keys()).isEqualTo(2);
  }

  private static final Catalog CATALOG = Catalog.of(ConfigLoader.load(Optional.empty(), Map.of()));

  /** Every streamed row as one line of text: what two loads are compared by. */
  private static final class Recording implements RegistryLoadSink {
    final List<String> customers = new ArrayList<>();
    final List<String> keys = new ArrayList<>();
    final List<Integer> expected = new ArrayList<>();

    @Override
    public void expect(int customerRows, int keyRows) {
      expected.addAll(List.of(customerRows, keyRows));
    }

    @Override
    public void customer(String id, String tier, List<String> namespaces, CustomerStatus status,
        LimitOverrides overrides, long createdAtMillis, long version) {
      customers.add(String.join("|", id, tier, namespaces.toString(), status.toString(), overrides.toString(),
          Long.toString(createdAtMillis), Long.toString(version)));
    }

    @Override
    public void key(String id, String customerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
        List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
      keys.add(String.join("|", id, customerId, environment.toString(), new KeyDigest(w0, w1, w2, w3).toHex(),
          namespaces.toString(), Long.toString(revokedAtMillis), Long.toString(expiresAtMillis)));
    }
  }
}
