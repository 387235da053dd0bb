package io.tollgate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.Catalog;
import io.tollgate.config.TierCatalog;
import io.tollgate.config.TierCatalogParser;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyHasher;
import io.tollgate.registry.Commands.CustomerPatch;
import io.tollgate.registry.Commands.NewCustomer;
import io.tollgate.store.Database;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reload that removes a tier and an admin write that puts a customer on it, interleaved step by step: whichever
 * commits first, no stored customer is ever left on a tier the catalog in force lacks, and the next start succeeds.
 * A subclass per dialect supplies the store.
 */
abstract class ReloadRaceContract {
  static final Catalog ALL = new Catalog(TierCatalogParser.builtIn(), "starter", List.of());
  static final Catalog WITHOUT_SCALE = new Catalog(new TierCatalog(TierCatalogParser.builtIn().tiers().stream()
      .filter(t -> !t.name().equals("scale")).toList()), "starter", List.of());
  static final Actor ADMIN = Actor.adminApi("adm_test");
  static final CustomerPatch TO_SCALE = new CustomerPatch(Optional.empty(), Optional.empty(), Optional.of("scale"),
      Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  final KeyHasher hasher = KeyHasher.hmac("a-test-secret-of-at-least-32-characters".getBytes());
  Database db;
  LiveRegistry live;
  CustomerService.Created acme;

  /** A new database with the schema, its node named {@code nodeId}; the same storage on every call of a test. */
  abstract Database openDatabase(String nodeId);

  abstract void discardStorage();

  @BeforeEach
  void open() {
    db = openDatabase("node-a");
    live = LiveRegistry.load(db.registry(), ALL);
    acme = ((Outcome.Done<CustomerService.Created>) customers(db, live, live::catalog).create(ADMIN,
        new NewCustomer(Optional.of("acme"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Map.of(), LimitOverrides.NONE, Commands.NewKey.unnamed()))).value();
  }

  @AfterEach
  void close() {
    db.close();
    discardStorage();
  }

  CustomerService customers(Database d, LiveRegistry l, Supplier<Catalog> catalog) {
    return new CustomerService(d.registry(), l, catalog, new KeyIssuer(new ApiKeyFormat("tg"), hasher),
        InstantSource.system());
  }

  static AuditEntry reloadAudit() {
    return new AuditEntry(0, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), ADMIN,
        RegistryReload.RELOADED, AuditEntry.NO_CUSTOMER, Optional.empty(), Map.of());
  }

  /** Reloads with {@code catalog}, running {@code afterBuild} between the build and the swap; the refusal, if any. */
  Optional<String> reload(Catalog catalog, Runnable afterBuild) {
    try {
      live.reload(catalog, reloadAudit(), afterBuild);
      return Optional.empty();
    } catch (IllegalArgumentException refused) {
      return Optional.of(refused.getMessage());
    }
  }

  String storedTier() {
    return db.registry().findCustomer("acme").orElseThrow().tier();
  }

  /** The view holds acme on its stored tier, that tier is in the catalog in force, and a start succeeds. */
  void assertConsistent() {
    String tier = storedTier();
    assertThat(live.catalog().tiers().find(tier)).as("acme's stored tier %s in the catalog", tier).isPresent();
    RegistryView.KeyEntry key = live.view().findKey(hasher.digest(acme.firstKey().secret())).orElseThrow();
    assertThat(key.owner().customer().tier()).isEqualTo(tier);
    assertThat(LiveRegistry.load(db.registry(), live.catalog()).view().findCustomer("acme")).isPresent();
  }

  @Test
  void reload_removingTierWhileCustomerMovesOntoIt_neverLeavesCustomerOnMissingTier() {
    CustomerService service = customers(db, live, live::catalog);
    Outcome<?>[] patched = new Outcome<?>[1];

    Optional<String> refused = reload(WITHOUT_SCALE, () -> patched[0] = service.update(ADMIN, "acme", TO_SCALE));

    assertThat(patched[0]).isInstanceOf(Outcome.Done.class); // validated and committed before the reload's own
    assertThat(refused).hasValueSatisfying(r -> assertThat(r).contains("acme").contains("scale"));
    assertThat(storedTier()).isEqualTo("scale");
    assertThat(live.catalog()).isEqualTo(ALL);
    assertConsistent();
  }

  @Test
  void reload_afterTheMoveCommitted_isRefusedNamingTheCustomer_andChangesNothing() {
    assertThat(customers(db, live, live::catalog).update(ADMIN, "acme", TO_SCALE)).isInstanceOf(Outcome.Done.class);

    assertThat(reload(WITHOUT_SCALE, () -> {})).hasValueSatisfying(r -> assertThat(r)
        .isEqualTo("customer acme is on tier scale, which the catalog does not have"));
    assertThat(live.catalog()).isEqualTo(ALL);
    assertConsistent();
  }

  @Test
  void move_ontoATierAnotherNodeHasReloadedAway_isRefusedAsUnknownTier() {
    Database other = openDatabase("node-b");
    try {
      LiveRegistry b = LiveRegistry.load(other.registry(), ALL);
      b.reload(WITHOUT_SCALE, reloadAudit());

      Outcome<CustomerDetails> moved = customers(db, live, live::catalog).update(ADMIN, "acme", TO_SCALE);

      assertThat(moved).isInstanceOfSatisfying(Outcome.Refused.class,
          r -> assertThat(r.failure()).isEqualTo(Failure.UNKNOWN_TIER));
      assertThat(storedTier()).isEqualTo("starter");
      assertThat(LiveRegistry.load(other.registry(), WITHOUT_SCALE).view().findCustomer("acme")).isPresent();
    } finally {
      other.close();
    }
  }

  @Test
  void create_onATierAnotherNodeHasReloadedAway_isRefusedAsUnknownTier() {
    Database other = openDatabase("node-b");
    try {
      LiveRegistry.load(other.registry(), ALL).reload(WITHOUT_SCALE, reloadAudit());

      Outcome<CustomerService.Created> created = customers(db, live, live::catalog).create(ADMIN,
          new NewCustomer(Optional.of("globex"), Optional.empty(), Optional.empty(), Optional.of("scale"),
              Optional.empty(), Map.of(), LimitOverrides.NONE, Commands.NewKey.unnamed()));

      assertThat(created).isInstanceOfSatisfying(Outcome.Refused.class,
          r -> assertThat(r.failure()).isEqualTo(Failure.UNKNOWN_TIER));
      assertThat(db.registry().findCustomer("globex")).isEmpty();
    } finally {
      other.close();
    }
  }
}
