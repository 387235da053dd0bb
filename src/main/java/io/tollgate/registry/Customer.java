package io.tollgate.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A customer as stored. Immutable; a change produces a new record with a higher {@code version}.
 *
 * @param id the slug {@code ^[a-z0-9][a-z0-9_-]{1,62}$}
 * @param name display name, may be empty
 * @param email contact address, may be empty
 * @param tier name of a tier in the catalog
 * @param namespaces the namespaces its keys may use, sorted, no duplicates
 * @param status active, suspended or deactivated
 * @param metadata the operator's free-form JSON object (values are JSON-compatible Java values; numbers read from
 *     JSON are {@link io.tollgate.json.JsonNumber}s with the exact text sent)
 * @param overrides per-customer limit overrides
 * @param createdAt creation time
 * @param updatedAt last change
 * @param deactivatedAt when it was deactivated, empty otherwise
 * @param version bumped by every change; the in-memory view only ever moves forward
 */
public record Customer(
    String id,
    Optional<String> name,
    Optional<String> email,
    String tier,
    List<String> namespaces,
    CustomerStatus status,
    Map<String, Object> metadata,
    LimitOverrides overrides,
    Instant createdAt,
    Instant updatedAt,
    Optional<Instant> deactivatedAt,
    long version) {

  public Customer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tier, "tier");
    namespaces = sortedNames(namespaces);
    // most customers have none: they share one empty map (a registry holds one Customer per customer)
    metadata = metadata.isEmpty() ? java.util.Collections.emptyMap()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
  }

  /**
   * The names sorted without duplicates, as an unmodifiable list: the list itself when it already is one (what the
   * registry view hands out for every lookup), else a sorted copy.
   */
  static List<String> sortedNames(List<String> names) {
    for (int i = 1; i < names.size(); i++) {
      if (names.get(i - 1).compareTo(names.get(i)) >= 0) {
        return List.copyOf(new java.util.TreeSet<>(names));
      }
    }
    return List.copyOf(names);
  }

  public boolean isActive() {
    return status == CustomerStatus.ACTIVE;
  }
}
