package io.tollgate.config;

import java.util.List;
import java.util.Objects;

/**
 * The part of the configuration that {@code POST /admin/registry/reload} re-reads: tiers, the default tier and
 * routes. Validated as a whole: the default tier is in the catalog.
 *
 * @param tiers the tier catalog
 * @param defaultTier the tier of a customer created without one
 * @param routes gate routes, first match wins
 */
public record Catalog(TierCatalog tiers, String defaultTier, List<RouteSpec> routes) {
  public Catalog {
    Objects.requireNonNull(tiers, "tiers");
    routes = List.copyOf(routes);
    if (tiers.find(defaultTier).isEmpty()) {
      throw new InvalidConfigException("default_tier: " + defaultTier + " is not in the tier catalog");
    }
  }

  /** Reads the tier file the configuration names, or takes the built-in catalog. */
  public static Catalog of(TollgateConfig config) {
    TierCatalog tiers = config.tiersFile().map(TierCatalogParser::read).orElseGet(TierCatalogParser::builtIn);
    return new Catalog(tiers, config.defaultTier(), config.routes());
  }
}
