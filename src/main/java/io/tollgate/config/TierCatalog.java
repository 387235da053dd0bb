package io.tollgate.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tiers customers can be on, in catalog order. Immutable. */
public final class TierCatalog {
  private final Map<String, Tier> byName;

  public TierCatalog(List<Tier> tiers) {
    Map<String, Tier> map = new LinkedHashMap<>();
    for (Tier t : tiers) {
      if (map.put(t.name(), t) != null) {
        throw new IllegalArgumentException("tier " + t.name() + " is listed twice");
      }
    }
    this.byName = java.util.Collections.unmodifiableMap(map);
  }

  public Optional<Tier> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public List<Tier> tiers() {
    return List.copyOf(byName.values());
  }

  public int size() {
    return byName.size();
  }
}
