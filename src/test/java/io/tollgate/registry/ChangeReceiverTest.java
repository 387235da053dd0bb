package io.tollgate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.config.Catalog;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.TollgateConfig;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyHasher;
import io.tollgate.registry.Commands.NewCustomer;
import io.tollgate.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiving side of the change feed on one SQLite file opened twice, as two nodes: node A's services change the
 * registry, node B's view follows by catching up with the change log alone (SQLite has no NOTIFY).
 */
final class ChangeReceiverTest {
  private static final Duration WITHIN = Duration.ofSeconds(1);
  private static final TollgateConfig.Registry POLICY =
      new TollgateConfig.Registry(Duration.ofMillis(50), Duration.ofMillis(300), true);
  @TempDir Path dir;
  private final KeyHasher hasher = KeyHasher.hmac("a-test-secret-of-at-least-32-characters".getBytes());
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Catalog catalog = Catalog.of(ConfigLoader.load(Optional.empty(), Map.of()));
  private FlakyRegistryStore storeA;
  private LiveRegistry liveA;
  private CustomerService customers;
  private KeyService keys;

  @BeforeEach
  void nodeA() {
    Database a = opened(Database.open("sqlite:" + dir.resolve("t.db"), "node-a"));
    storeA = new FlakyRegistryStore(a.registry());
    liveA = LiveRegistry.load(storeA, catalog);
    KeyIssuer issuer = new KeyIssuer(new ApiKeyFormat("tg"), hasher);
    customers = new CustomerService(storeA, liveA, liveA::catalog, issuer, InstantSource.system());
    keys = new KeyService(storeA, liveA, issuer, InstantSource.system());
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T opened(T c) {
    open.add(c);
    return c;
  }

  private ChangeReceiver follow(LiveRegistry live, RegistryStore store, String node) {
    return opened(ChangeReceiver.start(live, store, ChangeSignal.polling(), POLICY, node, () -> catalog));
  }

  private LiveRegistry nodeB() {
    Database b = opened(Database.open("sqlite:" + dir.resolve("t.db"), "node-b"));
    LiveRegistry live = LiveRegistry.load(b.registry(), catalog);
    follow(live, b.registry(), "node-b");
    return live;
  }

  private CustomerService.Created create(String id) {
    NewCustomer cmd = new NewCustomer(Optional.of(id), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Map.of(), LimitOverrides.NONE, Commands.NewKey.unnamed());
    return ((Outcome.Done<CustomerService.Created>) customers.create(Actor.adminApi("adm_test"), cmd)).value();
  }

  private static Optional<RegistryView.KeyEntry> entry(LiveRegistry live, KeyHasher hasher, String secret) {
    return live.view().findKey(hasher.digest(secret));
  }

  private boolean revokedIn(LiveRegistry live, String secret) {
    return entry(live, hasher, secret).map(e -> e.key().revokedAt().isPresent()).orElse(false);
  }

  @Test
  void revoke_publicationFailsAfterTheCommit_answersDoneAndTheCatchUpAppliesIt() {
    follow(liveA, storeA, "node-a");
    CustomerService.Created c = create("acme");
    storeA.failReadsOnce();
    Outcome<CustomerKey> revoked = keys.revoke(Actor.adminApi("adm_test"), "acme", c.firstKey().key().id());
    assertThat(revoked).isInstanceOf(Outcome.Done.class);
    await().atMost(WITHIN).until(() -> revokedIn(liveA, c.firstKey().secret()));
  }

  @Test
  void revokeOnA_nodeBFollowsByCatchUpAlone() {
    LiveRegistry liveB = nodeB();
    CustomerService.Created c = create("acme");
    await().atMost(WITHIN).until(() -> entry(liveB, hasher, c.firstKey().secret()).isPresent());
    keys.revoke(Actor.adminApi("adm_test"), "acme", c.firstKey().key().id());
    await().atMost(WITHIN).until(() -> revokedIn(liveB, c.firstKey().secret()));
  }

  /** A signal whose connection can never be opened (the database at its connection limit): every wait fails. */
  private static final class RefusedSignal implements ChangeSignal {
    final java.util.concurrent.atomic.AtomicInteger waits = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public boolean await(Duration timeout) {
      waits.incrementAndGet();
      throw new IllegalStateException("FATAL: too many connections for database");
    }

    @Override
    public void close() {}
  }

  @Test
  void revokeOnA_nodeBWhoseSignalAlwaysFails_followsByCatchUpAndIsNotStale() {
    Database b = opened(Database.open("sqlite:" + dir.resolve("t.db"), "node-b"));
    LiveRegistry liveB = LiveRegistry.load(b.registry(), catalog);
    RefusedSignal signal = new RefusedSignal();
    opened(ChangeReceiver.start(liveB, b.registry(), signal, POLICY, "node-b", () -> catalog));
    CustomerService.Created c = create("acme");
    await().atMost(WITHIN).until(() -> entry(liveB, hasher, c.firstKey().secret()).isPresent());
    keys.revoke(Actor.adminApi("adm_test"), "acme", c.firstKey().key().id());
    await().atMost(WITHIN).until(() -> revokedIn(liveB, c.firstKey().secret()));
    // past max staleness (300 ms) the view is still current: the catch-ups go on; the signal is tried again each time
    await().atMost(WITHIN).until(() -> signal.waits.get() >= 10);
    assertThat(liveB.freshness().isStale()).isFalse();
  }

  @Test
  void purgedAndCreatedAgainWithTheSameId_nodeBHoldsTheNewCustomer() {
    LiveRegistry liveB = nodeB();
    CustomerService.Created old = create("acme");
    keys.create(Actor.adminApi("adm_test"), "acme", Commands.NewKey.unnamed());
    await().atMost(WITHIN).until(() -> liveB.view().findCustomer("acme").map(e -> e.customer().version())
        .orElse(0L) == 2L);
    customers.deactivate(Actor.adminApi("adm_test"), "acme");
    InstantSource later = InstantSource.fixed(Instant.now().plus(Duration.ofDays(2)));
    assertThat(new RetentionJob(storeA, liveA, Duration.ofDays(1), later).run()).containsExactly("acme");
    CustomerService.Created fresh = create("acme");
    await().atMost(WITHIN).until(() -> entry(liveB, hasher, fresh.firstKey().secret()).isPresent());
    assertThat(entry(liveB, hasher, old.firstKey().secret())).isEmpty();
    assertThat(liveB.view().findCustomer("acme").orElseThrow().customer().version()).isEqualTo(1);
  }

  @Test
  void changesPrunedBeforeNodeBReadThem_nodeBReloadsAndHoldsThem() {
    Database b = opened(Database.open("sqlite:" + dir.resolve("t.db"), "node-b"));
    LiveRegistry liveB = LiveRegistry.load(b.registry(), catalog);
    CustomerService.Created c = create("acme");
    assertThat(storeA.pruneChanges(Instant.now().plus(Duration.ofDays(1)))).isEqualTo(1);
    follow(liveB, b.registry(), "node-b");
    await().atMost(WITHIN).until(() -> entry(liveB, hasher, c.firstKey().secret()).isPresent());
  }

  @Test
  void feedUnreachableLongerThanMaxStaleness_viewIsStaleAndRefuses_untilItCatchesUpAgain() {
    follow(liveA, storeA, "node-a");
    await().atMost(WITHIN).until(() -> !liveA.freshness().isStale());
    storeA.feedDown.set(true);
    await().atMost(WITHIN).until(() -> liveA.freshness().isStale());
    assertThat(liveA.freshness().refusesDecisions()).isTrue();
    assertThat(NodeHealth.of(true, liveA.freshness(), false).status()).isEqualTo("unavailable");
    storeA.feedDown.set(false);
    await().atMost(WITHIN).until(() -> !liveA.freshness().isStale());
    assertThat(NodeHealth.of(true, liveA.freshness(), false).status()).isEqualTo("ok");
  }
}
