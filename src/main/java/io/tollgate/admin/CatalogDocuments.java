package io.tollgate.admin;

import io.tollgate.json.ExactJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.config.Tier;
import io.tollgate.registry.AuditEntry;

/** JSON documents of tiers and audit entries. */
final class CatalogDocuments {
  private CatalogDocuments() {}

  static ObjectNode tier(Tier t) {
    ObjectNode o = AdminJson.object();
    o.put("name", t.name());
    o.put("display_name", t.displayName());
    o.putObject("price").put("amount", t.price().amount()).put("currency", t.price().currency())
        .put("period", t.price().period());
    ObjectNode limits = RegistryDocuments.limits(t.limits());
    o.set("quota", limits.get("quota"));
    o.set("rate_limit", limits.get("rate_limit"));
    o.put("sla", t.sla());
    t.usageThresholds().ifPresent(list -> list.forEach(o.putArray("usage_thresholds")::add));
    return o;
  }

  static ObjectNode audit(AuditEntry e) {
    ObjectNode o = AdminJson.object();
    o.put("id", e.id());
    o.put("at", e.at().toString());
    o.put("actor", e.actor().id());
    o.put("via", e.actor().via().wireName());
    o.put("action", e.action());
    o.put("customer_id", e.customerId());
    o.put("key_id", e.keyId().orElse(null));
    ObjectNode changes = o.putObject("changes");
    e.changes().forEach((field, change) -> changes.putObject(field)
        .putPOJO("before", ExactJson.toNode(change.before())) // metadata numbers as their exact text
        .putPOJO("after", ExactJson.toNode(change.after())));
    return o;
  }
}
