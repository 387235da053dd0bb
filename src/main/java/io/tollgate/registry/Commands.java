package io.tollgate.registry;

import io.tollgate.keys.KeyEnvironment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated inputs of admin changes, as the admin API parsed them. */
public final class Commands {
  private Commands() {}

  /**
   * A customer to create with its first key.
   *
   * @param id the chosen id; empty to generate {@code cus_…}
   * @param name display name
   * @param email contact address
   * @param tier the tier; empty for the configured default
   * @param namespaces allowed namespaces; empty for {@code ["default"]}
   * @param metadata free-form JSON object
   * @param limits per-customer overrides
   * @param firstKey the first key
   */
  public record NewCustomer(
      Optional<String> id,
      Optional<String> name,
      Optional<String> email,
      Optional<String> tier,
      Optional<List<String>> namespaces,
      Map<String, Object> metadata,
      LimitOverrides limits,
      NewKey firstKey) {}

  /**
   * A key to create.
   *
   * @param name label
   * @param environment live or test
   * @param namespaces the key's scope, a subset of the customer's; empty for all of them
   * @param expiresAt when it stops working, if ever
   */
  public record NewKey(Optional<String> name, KeyEnvironment environment, Optional<List<String>> namespaces,
      Optional<Instant> expiresAt) {

    public static NewKey unnamed() {
      return new NewKey(Optional.of("default"), KeyEnvironment.LIVE, Optional.empty(), Optional.empty());
    }
  }

  /**
   * Changes to a customer; an empty field keeps its value. An empty string clears {@code name} or {@code email}.
   *
   * @param name new display name
   * @param email new contact address
   * @param tier new tier
   * @param namespaces the new full list of namespaces
   * @param metadata the new metadata object (replaces the old one)
   * @param limits the new overrides (replace the old ones)
   * @param active false suspends, true enables
   */
  public record CustomerPatch(
      Optional<String> name,
      Optional<String> email,
      Optional<String> tier,
      Optional<List<String>> namespaces,
      Optional<Map<String, Object>> metadata,
      Optional<LimitOverrides> limits,
      Optional<Boolean> active) {}
}
