package io.tollgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.json.ExactJson;
import io.tollgate.limits.Limits;
import io.tollgate.registry.Customer;
import io.tollgate.registry.CustomerDetails;
import io.tollgate.registry.CustomerKey;
import io.tollgate.registry.KeyIssuer;
import io.tollgate.registry.KeyStatus;
import io.tollgate.registry.LimitOverrides;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON documents of customers and keys, as the contract names their fields. A secret appears only via {@link #issued}. */
final class RegistryDocuments {
  private RegistryDocuments() {}

  static ObjectNode customer(CustomerDetails d, Instant now, boolean withKeyCounts) {
    Customer c = d.customer();
    ObjectNode o = AdminJson.object();
    o.put("customer_id", c.id());
    o.put("name", c.name().orElse(null));
    o.put("email", c.email().orElse(null));
    o.put("tier", c.tier());
    o.set("namespaces", AdminJson.valueOf(c.namespaces()));
    o.put("active", c.isActive());
    o.put("status", c.status().wireName());
    o.set("limits", limits(d.limits()));
    o.set("limit_overrides", overrides(c.overrides()));
    o.set("metadata", ExactJson.toNode(c.metadata())); // numbers as their exact text
    if (withKeyCounts) {
      o.set("keys", keyCounts(d.keys(), now));
    }
    o.put("created_at", c.createdAt().toString());
    o.put("updated_at", c.updatedAt().toString());
    o.put("deactivated_at", c.deactivatedAt().map(Instant::toString).orElse(null));
    return o;
  }

  static ObjectNode limits(Limits l) {
    ObjectNode o = AdminJson.object();
    o.putObject("quota").put("units", l.quota().units().toDecimal()).put("period", l.quota().period().wireName());
    o.putObject("rate_limit").put("requests", l.rateLimit().requests())
        .put("window_s", l.rateLimit().windowSeconds()).put("burst", l.rateLimit().burst());
    return o;
  }

  private static ObjectNode overrides(LimitOverrides ov) {
    ObjectNode o = AdminJson.object();
    if (ov.quotaUnits().isPresent() || ov.quotaPeriod().isPresent()) {
      ObjectNode q = o.putObject("quota");
      ov.quotaUnits().ifPresent(u -> q.put("units", u.toDecimal()));
      ov.quotaPeriod().ifPresent(p -> q.put("period", p.wireName()));
    }
    if (ov.requests().isPresent() || ov.windowSeconds().isPresent() || ov.burst().isPresent()) {
      ObjectNode r = o.putObject("rate_limit");
      ov.requests().ifPresent(v -> r.put("requests", v));
      ov.windowSeconds().ifPresent(v -> r.put("window_s", v));
      ov.burst().ifPresent(v -> r.put("burst", v));
    }
    ov.usageThresholds().ifPresent(list -> list.forEach(o.putArray("usage_thresholds")::add));
    return o;
  }

  private static ObjectNode keyCounts(List<CustomerKey> keys, Instant now) {
    Map<KeyStatus, Integer> counts = new EnumMap<>(KeyStatus.class);
    for (KeyStatus s : KeyStatus.values()) {
      counts.put(s, 0);
    }
    keys.forEach(k -> counts.merge(k.statusAt(now), 1, Integer::sum));
    ObjectNode o = AdminJson.object().put("total", keys.size());
    counts.forEach((s, n) -> o.put(s.wireName(), n));
    return o;
  }

  static ObjectNode key(CustomerKey k, Instant now) {
    ObjectNode o = AdminJson.object();
    o.put("key_id", k.id());
    o.put("customer_id", k.customerId());
    o.put("name", k.name().orElse(null));
    o.put("environment", k.environment().wireName());
    o.put("prefix", k.displayPrefix());
    o.put("status", k.statusAt(now).wireName());
    o.set("namespaces", AdminJson.valueOf(k.namespaces()));
    o.put("created_at", k.createdAt().toString());
    o.put("revoked_at", text(k.revokedAt()));
    o.put("expires_at", text(k.expiresAt()));
    o.put("last_used_at", text(k.lastUsedAt()));
    o.put("replaces", k.replaces().orElse(null));
    return o;
  }

  /** A key just created, with its secret in {@code key}: the only document that ever carries one. */
  static ObjectNode issued(KeyIssuer.Issued issued, Instant now) {
    ObjectNode o = key(issued.key(), now);
    o.put("key", issued.secret());
    return o;
  }

  private static String text(Optional<Instant> at) {
    return at.map(Instant::toString).orElse(null);
  }
}
