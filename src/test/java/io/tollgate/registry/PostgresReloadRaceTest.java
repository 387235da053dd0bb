package io.tollgate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.Catalog;
import io.tollgate.store.Database;
import io.tollgate.store.PostgresTestDatabase;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link ReloadRaceContract} on the test PostgreSQL server, plus the interleaving SQLite's single writer rules out:
 * a write that validated its tier before a whole reload ran and committed after it.
 */
final class PostgresReloadRaceTest extends ReloadRaceContract {
  private final PostgresTestDatabase postgres = PostgresTestDatabase.create();

  @Override
  Database openDatabase(String nodeId) {
    return Database.open(postgres.url(), nodeId);
  }

  @Override
  void discardStorage() {
    postgres.close();
  }

  @Test
  void move_validatedBeforeAWholeReloadRemovedItsTier_isRefusedAsUnknownTier() {
    boolean[] reloaded = new boolean[1];
    CustomerService validatingFirst = customers(db, live, () -> {
      Catalog seen = live.catalog();
      if (!reloaded[0]) { // inside the write's transaction, after it locked acme: a whole reload runs, then it goes on
        reloaded[0] = true;
        assertThat(CompletableFuture.supplyAsync(() -> reload(WITHOUT_SCALE, () -> {})).join()).isEmpty();
      }
      return seen;
    });

    Outcome<CustomerDetails> moved = validatingFirst.update(ADMIN, "acme", TO_SCALE);

    assertThat(reloaded[0]).isTrue();
    assertThat(moved).isInstanceOfSatisfying(Outcome.Refused.class,
        r -> assertThat(r.failure()).isEqualTo(Failure.UNKNOWN_TIER));
    assertThat(live.catalog()).isEqualTo(WITHOUT_SCALE);
    assertThat(storedTier()).isEqualTo("starter");
    assertConsistent();
  }
}
