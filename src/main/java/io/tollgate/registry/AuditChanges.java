package io.tollgate.registry;

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
