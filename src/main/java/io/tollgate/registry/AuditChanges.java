package io.tollgate.registry;

import io.tollgate.config.Catalog;
import io.tollgate.config.RouteSpec;
import io.tollgate.config.Tier;
import io.tollgate.registry.AuditEntry.FieldChange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.time.Instant;

/** The before/after of the fields a change touched, in wire form (never a secret or a digest). */
final class AuditChanges {
  private AuditChanges() {}

  static Map<String, FieldChange> ofCustomer(Optional<Customer> before, Optional<Customer> after) {
    Map<String, Object> b = before.map(AuditChanges::customerFields).orElse(Map.of());
    Map<String, Object> a = after.map(AuditChanges::customerFields).orElse(Map.of());
    return diff(b, a);
  }

  static Map<String, FieldChange> ofKey(Optional<CustomerKey> before, Optional<CustomerKey> after) {
    Map<String, Object> b = before.map(AuditChanges::keyFields).orElse(Map.of());
    Map<String, Object> a = after.map(AuditChanges::keyFields).orElse(Map.of());
    return diff(b, a);
  }

  /**
   * What a reload changes in the catalog, one entry per leaf: {@code tiers.NAME} for a tier added or removed (its
   * whole document on one side, {@code null} on the other), {@code tiers.NAME.FIELD} (e.g.
   * {@code tiers.pro.price.amount}) for each changed field of a tier kept; {@code default_tier}; the same for
   * routes as {@code routes.METHOD PATH[.FIELD]}, and {@code routes.order} when the routes kept changed order (the
   * first match wins). Empty when nothing changed.
   */
  static Map<String, FieldChange> ofCatalog(Catalog before, Catalog after) {
    Map<String, Object> b = new LinkedHashMap<>();
    Map<String, Object> a = new LinkedHashMap<>();
    before.tiers().tiers().forEach(t -> b.put("tiers." + t.name(), tierFields(t)));
    after.tiers().tiers().forEach(t -> a.put("tiers." + t.name(), tierFields(t)));
    b.put("default_tier", before.defaultTier());
    a.put("default_tier", after.defaultTier());
    List<String> routesBefore = putRoutes(before.routes(), b);
    List<String> routesAfter = putRoutes(after.routes(), a);
    Map<String, FieldChange> out = new LinkedHashMap<>();
    diffInto("", b, a, out);
    List<String> keptBefore = routesBefore.stream().filter(routesAfter::contains).toList();
    List<String> keptAfter = routesAfter.stream().filter(routesBefore::contains).toList();
    if (!keptBefore.equals(keptAfter)) {
      out.put("routes.order", new FieldChange(keptBefore, keptAfter));
    }
    return out;
  }

  /** Puts each route under {@code routes.METHOD PATH} (a repeated one with {@code #2}, ...); returns those names. */
  private static List<String> putRoutes(List<RouteSpec> routes, Map<String, Object> into) {
    List<String> names = new java.util.ArrayList<>();
    Map<String, Integer> seen = new java.util.HashMap<>();
    for (RouteSpec r : routes) {
      String name = r.method() + " " + r.path();
      int n = seen.merge(name, 1, Integer::sum);
      String key = "routes." + (n == 1 ? name : name + " #" + n);
      into.put(key, routeFields(r));
      names.add(key.substring("routes.".length()));
    }
    return names;
  }

  /**
   * Compares two values field by field where both are maps (so a changed tier shows only its changed fields);
   * elsewhere whole, numbers by value ({@code 100} equals {@code 100.0}).
   */
  private static void diffInto(String path, Object before, Object after, Map<String, FieldChange> out) {
    if (before instanceof Map<?, ?> b && after instanceof Map<?, ?> a) {
      java.util.Set<Object> names = new java.util.LinkedHashSet<>(b.keySet());
      names.addAll(a.keySet());
      for (Object n : names) {
        diffInto(path.isEmpty() ? n.toString() : path + "." + n, b.get(n), a.get(n), out);
      }
    } else if (!sameValue(before, after)) {
      out.put(path, new FieldChange(before, after));
    }
  }

  private static boolean sameValue(Object before, Object after) {
    if (before instanceof java.math.BigDecimal b && after instanceof java.math.BigDecimal a) {
      return b.compareTo(a) == 0;
    }
    return Objects.equals(before, after);
  }

  private static Map<String, Object> tierFields(Tier t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("display_name", t.displayName());
    Map<String, Object> price = new LinkedHashMap<>();
    price.put("amount", t.price().amount());
    price.put("currency", t.price().currency());
    price.put("period", t.price().period());
    m.put("price", price);
    Map<String, Object> quota = new LinkedHashMap<>();
    quota.put("units", t.limits().quota().units().toDecimal());
    quota.put("period", t.limits().quota().period().wireName());
    m.put("quota", quota);
    Map<String, Object> rate = new LinkedHashMap<>();
    rate.put("requests", t.limits().rateLimit().requests());
    rate.put("window_s", t.limits().rateLimit().windowSeconds());
    rate.put("burst", t.limits().rateLimit().burst());
    m.put("rate_limit", rate);
    m.put("sla", t.sla());
    return m;
  }

  private static Map<String, Object> routeFields(RouteSpec r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("operation", r.operation());
    m.put("units", r.units().toDecimal());
    m.put("namespace_header", r.namespaceHeader().orElse(null));
    return m;
  }

  private static Map<String, FieldChange> diff(Map<String, Object> before, Map<String, Object> after) {
    Map<String, FieldChange> out = new LinkedHashMap<>();
    java.util.Set<String> names = new java.util.LinkedHashSet<>(before.keySet());
    names.addAll(after.keySet());
    for (String n : names) {
      Object b = before.get(n);
      Object a = after.get(n);
      if (!Objects.equals(b, a)) {
        out.put(n, new FieldChange(b, a));
      }
    }
    return out;
  }

  private static Map<String, Object> customerFields(Customer c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name().orElse(null));
    m.put("email", c.email().orElse(null));
    m.put("tier", c.tier());
    m.put("namespaces", List.copyOf(c.namespaces()));
    m.put("status", c.status().wireName());
    m.put("metadata", c.metadata());
    m.put("limits", overrides(c.overrides()));
    return m;
  }

  /** Overrides in the Admin API's shape: {@code {quota: {units, period}, rate_limit: {requests, window_s, burst}}}. */
  static Map<String, Object> overrides(LimitOverrides o) {
    Map<String, Object> quota = new LinkedHashMap<>();
    o.quotaUnits().ifPresent(u -> quota.put("units", u.toDecimal()));
    o.quotaPeriod().ifPresent(p -> quota.put("period", p.wireName()));
    Map<String, Object> rate = new LinkedHashMap<>();
    o.requests().ifPresent(r -> rate.put("requests", r));
    o.windowSeconds().ifPresent(w -> rate.put("window_s", w));
    o.burst().ifPresent(b -> rate.put("burst", b));
    Map<String, Object> m = new LinkedHashMap<>();
    if (!quota.isEmpty()) {
      m.put("quota", quota);
    }
    if (!rate.isEmpty()) {
      m.put("rate_limit", rate);
    }
    o.usageThresholds().ifPresent(list -> m.put("usage_thresholds", list));
    return m;
  }

  private static Map<String, Object> keyFields(CustomerKey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", k.name().orElse(null));
    m.put("environment", k.environment().wireName());
    m.put("prefix", k.displayPrefix());
    m.put("namespaces", List.copyOf(k.namespaces()));
    m.put("revoked_at", k.revokedAt().map(Instant::toString).orElse(null));
    m.put("expires_at", k.expiresAt().map(Instant::toString).orElse(null));
    m.put("replaces", k.replaces().orElse(null));
    return m;
  }
}
