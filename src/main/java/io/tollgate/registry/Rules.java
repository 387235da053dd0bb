package io.tollgate.registry;

import io.tollgate.config.TierCatalog;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The registry's validation rules; each violation is a {@link RefusedChange}. */
final class Rules {
  static final Pattern CUSTOMER_ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{1,62}$");
  static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");

  private Rules() {}

  static String customerId(String id) {
    if (!CUSTOMER_ID.matcher(id).matches()) {
      throw new RefusedChange(Failure.INVALID_CUSTOMER_ID,
          "customer_id must match " + CUSTOMER_ID.pattern() + ", got '" + id + "'");
    }
    return id;
  }

  static String tier(TierCatalog tiers, String tier) {
    if (tiers.find(tier).isEmpty()) {
      throw new RefusedChange(Failure.UNKNOWN_TIER, "no tier named '" + tier + "' in the catalog");
    }
    return tier;
  }

  static List<String> namespaces(Collection<String> namespaces) {
    for (String ns : namespaces) {
      namespace(ns);
    }
    return List.copyOf(new java.util.TreeSet<>(namespaces));
  }

  static String namespace(String ns) {
    if (ns == null || !NAMESPACE.matcher(ns).matches()) {
      throw new RefusedChange(Failure.INVALID_NAMESPACE,
          "a namespace must match " + NAMESPACE.pattern() + ", got '" + ns + "'");
    }
    return ns;
  }

  /** A key's scope: valid names, all granted to the customer. */
  static List<String> keyScope(Customer customer, Optional<List<String>> scope) {
    List<String> names = namespaces(scope.orElse(List.of()));
    for (String ns : names) {
      if (!customer.namespaces().contains(ns)) {
        throw new RefusedChange(Failure.NAMESPACE_NOT_GRANTED,
            "namespace '" + ns + "' is not granted to customer " + customer.id());
      }
    }
    return names;
  }

  static Optional<Instant> expiry(Optional<Instant> expiresAt, Instant now) {
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
      throw new RefusedChange(Failure.INVALID_EXPIRY, "expires_at must be in the future");
    }
    return expiresAt;
  }

  /** The customer, which must exist and not be deactivated. */
  static Customer changeable(RegistryTransaction tx, String customerId) {
    Customer c = tx.lockCustomer(customerId).orElseThrow(() -> RefusedChange.customerNotFound(customerId));
    if (c.status() == CustomerStatus.DEACTIVATED) {
      throw new RefusedChange(Failure.CUSTOMER_DEACTIVATED, "customer " + customerId + " is deactivated");
    }
    return c;
  }
}
