package io.tollgate.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The {@code registry_tiers} table: the tiers of the catalog in force, recorded by every start and reload, which
 * every write that puts a customer on a tier checks in its own transaction. On PostgreSQL a write holds its tier's
 * row {@code FOR SHARE} until it commits, and a reload's {@code DELETE} of a tier it removes waits for those writes
 * (and makes later ones find no row), so the reload's check of the customers, run after that delete, sees every
 * customer put on the tier; SQLite's single writer runs them one after the other.
 */
final class StoredTiers {
  private StoredTiers() {}

  /**
   * Whether {@code tier} is recorded, or nothing is recorded yet (a store no start of this version has opened);
   * the tier's row is held with {@code shareLock} until the transaction ends.
   */
  static boolean admit(Handle h, String tier, String shareLock) {
    return h.createQuery("SELECT name FROM registry_tiers WHERE name = :tier" + shareLock).bind("tier", tier)
        .mapTo(String.class).findOne().isPresent()
        || h.createQuery("SELECT COUNT(*) FROM registry_tiers").mapTo(Long.class).one() == 0;
  }

  /**
   * Records {@code tiers} as the catalog's.
   *
   * @throws IllegalArgumentException naming a stored customer on a tier that is not in {@code tiers}; call it inside
   *     a transaction, which then rolls back
   */
  static void replace(Handle h, Collection<String> tiers) {
    List<String> names = List.copyOf(tiers);
    h.createUpdate("DELETE FROM registry_tiers WHERE name NOT IN (<names>)").bindList("names", names).execute();
    Optional<String> stranded = h.createQuery("SELECT 'customer ' || customer_id || ' is on tier ' || tier"
            + " FROM customers WHERE tier NOT IN (<names>) ORDER BY customer_id LIMIT 1")
        .bindList("names", names).mapTo(String.class).findOne();
    if (stranded.isPresent()) {
      throw new IllegalArgumentException(stranded.get() + ", which the catalog does not have");
    }
    var insert = h.prepareBatch("INSERT INTO registry_tiers (name) VALUES (:name) ON CONFLICT (name) DO NOTHING");
    names.forEach(n -> insert.bind("name", n).add());
    insert.execute();
  }
}
