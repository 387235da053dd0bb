package io.tollgate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.Catalog;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.TierCatalogParser;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyHasher;
import io.tollgate.registry.Commands.CustomerPatch;
import io.tollgate.registry.Commands.NewCustomer;
import io.tollgate.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory view follows every committed change at once and never moves back to an older version. */
final class LiveRegistryTest {
  @TempDir Path dir;
  private Database db;
  private LiveRegistry live;
  private CustomerService customers;
  private KeyService keys;
  private final KeyHasher hasher = KeyHasher.hmac("a-test-secret-of-at-least-32-characters".getBytes());

  @BeforeEach
  void open() {
    db = Database.open("sqlite:" + dir.resolve("t.db"));
    Catalog catalog = Catalog.of(ConfigLoader.load(Optional.empty(), Map.of()));
    live = LiveRegistry.load(db.registry(), catalog);
    KeyIssuer issuer = new KeyIssuer(new ApiKeyFormat("tg"), hasher);
    customers = new CustomerService(db.registry(), live, live::catalog, issuer, InstantSource.system());
    keys = new KeyService(db.registry(), live, issuer, InstantSource.system());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private CustomerService.Created create(String id) {
    NewCustomer cmd = new NewCustomer(Optional.of(id), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Map.of(), LimitOverrides.NONE, Commands.NewKey.unnamed());
    return ((Outcome.Done<CustomerService.Created>) customers.create(Actor.adminApi("adm_test"), cmd)).value();
  }

  private RegistryView.KeyEntry entry(String secret) {
    return live.view().findKey(hasher.digest(secret)).orElseThrow();
  }

  @Test
  void create_keyIsInTheViewBeforeTheAnswer() {
    CustomerService.Created c = create("acme");
    RegistryView.KeyEntry e = entry(c.firstKey().secret());
    assertThat(e.owner().customer().id()).isEqualTo("acme");
    assertThat(e.owner().limits().rateLimit().requests()).isEqualTo(50);
  }

  @Test
  void revoke_suspend_tierChange_areVisibleOnTheNextLookup() {
    CustomerService.Created c = create("acme");
    String secret = c.firstKey().secret();
    keys.revoke(Actor.adminApi("adm_test"), "acme", c.firstKey().key().id());
    assertThat(entry(secret).key().statusAt(java.time.Instant.now())).isEqualTo(KeyStatus.REVOKED);

    CustomerPatch suspend = new CustomerPatch(Optional.empty(), Optional.empty(), Optional.of("scale"),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(false));
    customers.update(Actor.adminApi("adm_test"), "acme", suspend);
    assertThat(entry(secret).owner().customer().status()).isEqualTo(CustomerStatus.SUSPENDED);
    assertThat(entry(secret).owner().limits().rateLimit().requests()).isEqualTo(200);
  }

  @Test
  void publish_olderVersion_neverBringsARevokedKeyBack() {
    CustomerService.Created c = create("acme");
    keys.revoke(Actor.adminApi("adm_test"), "acme", c.firstKey().key().id());
    long version = live.view().findCustomer("acme").orElseThrow().customer().version();
    live.publish(new Change("acme", version - 1));
    assertThat(entry(c.firstKey().secret()).key().revokedAt()).isPresent();
    assertThat(live.view().findCustomer("acme").orElseThrow().customer().version()).isEqualTo(version);
  }

  @Test
  void reload_swapsCatalogAndKeepsEveryCustomer() {
    create("acme");
    create("globex");
    Catalog growth = new Catalog(TierCatalogParser.builtIn(), "growth", List.of());
    RegistryReload.Result result = new RegistryReload(live, db.registry(), () -> growth, InstantSource.system())
        .reload(Actor.adminApi("adm_test"));
    assertThat(((RegistryReload.Result.Reloaded) result).counts()).isEqualTo(new LiveRegistry.Counts(2, 2, 5, 0));
    assertThat(live.catalog().defaultTier()).isEqualTo("growth");
  }

  @Test
  void rotateWithGrace_bothKeysWorkUntilTheGraceEnds() {
    CustomerService.Created c = create("acme");
    KeyIssuer.Issued next = ((Outcome.Done<KeyIssuer.Issued>) keys.rotate(Actor.adminApi("adm_test"), "acme",
        c.firstKey().key().id(), Duration.ofHours(1))).value();
    java.time.Instant now = java.time.Instant.now();
    assertThat(entry(c.firstKey().secret()).key().statusAt(now)).isEqualTo(KeyStatus.ACTIVE);
    assertThat(entry(c.firstKey().secret()).key().statusAt(now.plus(Duration.ofMinutes(61))))
        .isEqualTo(KeyStatus.REVOKED);
    assertThat(entry(next.secret()).key().replaces()).contains(c.firstKey().key().id());
  }

  @Test
  void retention_purgesOnlyCustomersDeactivatedLongerAgo_andDropsTheirKeys() {
    CustomerService.Created gone = create("gone");
    create("kept");
    customers.deactivate(Actor.adminApi("adm_test"), "gone");
    RetentionJob notYet = new RetentionJob(db.registry(), live, Duration.ofDays(1), InstantSource.system());
    assertThat(notYet.run()).isEmpty();
    InstantSource later = InstantSource.fixed(java.time.Instant.now().plus(Duration.ofDays(2)));
    assertThat(new RetentionJob(db.registry(), live, Duration.ofDays(1), later).run()).containsExactly("gone");
    assertThat(live.view().findKey(hasher.digest(gone.firstKey().secret()))).isEmpty();
    assertThat(db.registry().findCustomer("gone")).isEmpty();
    assertThat(db.registry().findCustomer("kept")).isPresent();
  }

  @Test
  void compact_foldsTheChangesIntoANewBase_andEveryLookupAnswersAsBefore() {
    CustomerService.Created acme = create("acme");
    CustomerService.Created globex = create("globex");
    keys.revoke(Actor.adminApi("adm_test"), "acme", acme.firstKey().key().id());
    customers.deactivate(Actor.adminApi("adm_test"), "globex");
    assertThat(live.view().overlaySize()).isEqualTo(2);
    long version = live.view().findCustomer("acme").orElseThrow().customer().version();

    live.compact();

    assertThat(live.view().overlaySize()).isZero();
    assertThat(live.view().baseCustomerCount()).isEqualTo(2);
    assertThat(entry(acme.firstKey().secret()).key().statusAt(java.time.Instant.now()))
        .isEqualTo(KeyStatus.REVOKED);
    assertThat(entry(globex.firstKey().secret()).owner().customer().status()).isEqualTo(CustomerStatus.DEACTIVATED);
    assertThat(live.view().findCustomer("acme").orElseThrow().customer().version()).isEqualTo(version);
    live.publish(new Change("acme", version - 1));
    assertThat(entry(acme.firstKey().secret()).key().revokedAt()).isPresent();
  }

  @Test
  void publish_pastTheOverlayLimit_compactsOffTheCallingThread() {
    for (int i = 0; i <= LiveRegistry.compactAfter(live.view()); i++) {
      live.view().apply(customer("c" + i), List.of());
    }
    create("acme");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> live.view().overlaySize() == 0);
    assertThat(live.view().customerCount()).isEqualTo(LiveRegistry.compactAfter(live.view()) + 2);
    assertThat(live.view().findCustomer("c0")).isPresent();
  }

  /**
   * A compaction builds its new base outside the lock: changes committed meanwhile go on (they do not wait for the
   * build) and every one of them is in the view that is swapped in.
   */
  @Test
  void changes_whileACompactionBuilds_goOnAndAreAllInTheCompactedView() throws Exception {
    for (int i = 0; i < 2_000; i++) {
      live.view().apply(customer("bulk" + i), List.of());
    }
    List<CustomerService.Created> created = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      created.add(create("during" + i));
    }
    RegistryView before = live.view();
    java.util.concurrent.atomic.AtomicInteger revokedWhileBuilding = new java.util.concurrent.atomic.AtomicInteger();
    live.compact(() -> {
      // another thread, as the admin API's: it would wait for a lock the compaction held
      var admin = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        admin.submit(() -> {
          for (CustomerService.Created c : created) {
            keys.revoke(Actor.adminApi("adm_test"), c.firstKey().key().customerId(), c.firstKey().key().id());
            if (live.view() == before) {
              revokedWhileBuilding.incrementAndGet();
            }
          }
        }).get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("changes waited for the compaction", e);
      } finally {
        admin.shutdownNow();
      }
    });

    assertThat(revokedWhileBuilding.get()).as("revocations answered while the new base was being built")
        .isEqualTo(created.size());
    assertThat(live.view()).isNotSameAs(before);
    assertThat(live.view().overlaySize()).isLessThanOrEqualTo(created.size());
    for (CustomerService.Created c : created) {
      assertThat(entry(c.firstKey().secret()).key().revokedAt()).as(c.firstKey().key().customerId()).isPresent();
    }
    assertThat(live.view().customerCount()).isEqualTo(2_000 + created.size());
    assertThat(live.view().findCustomer("bulk1999")).isPresent();
  }

  private static Customer customer(String id) {
    java.time.Instant t = java.time.Instant.ofEpochMilli(1_000);
    return new Customer(id, Optional.empty(), Optional.empty(), "starter", List.of("default"),
        CustomerStatus.ACTIVE, Map.of(), LimitOverrides.NONE, t, t, Optional.empty(), 1);
  }
}
