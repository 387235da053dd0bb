package io.tollgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.Units;
import io.tollgate.registry.Commands.CustomerPatch;
import io.tollgate.registry.Commands.NewCustomer;
import io.tollgate.registry.Commands.NewKey;
import io.tollgate.registry.LimitOverrides;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the Admin API's request bodies into registry commands; type and shape errors are collected in the input. */
final class CommandReader {
  private static final int NAME_MAX = 200;
  private static final int NAMESPACES_MAX = 1000;

  private CommandReader() {}

  static NewCustomer newCustomer(JsonInput in) {
    in.onlyFields(Set.of("customer_id", "name", "email", "tier", "namespaces", "metadata", "limits"));
    return new NewCustomer(in.string("customer_id", 63), in.string("name", NAME_MAX), in.email("email"),
        in.string("tier", 64), in.strings("namespaces", NAMESPACES_MAX),
        in.object("metadata").orElse(Map.of()), limits(in).orElse(LimitOverrides.NONE), NewKey.unnamed());
  }

  static CustomerPatch patch(JsonInput in) {
    in.onlyFields(Set.of("name", "email", "tier", "namespaces", "metadata", "limits", "active"));
    if (in.has("tier") && in.raw("tier").isNull()) {
      in.error("tier", "must be a string");
    }
    if (in.has("namespaces") && in.raw("namespaces").isNull()) {
      in.error("namespaces", "must be a list of strings");
    }
    Optional<Map<String, Object>> metadata = in.has("metadata") && in.raw("metadata").isNull()
        ? Optional.of(Map.of()) : in.object("metadata");
    Optional<LimitOverrides> limits = in.has("limits") && in.raw("limits").isNull()
        ? Optional.of(LimitOverrides.NONE) : limits(in);
    Optional<String> email = in.has("email") && in.raw("email").isNull() ? Optional.of("") : in.email("email");
    return new CustomerPatch(in.clearableString("name", NAME_MAX), email, in.string("tier", 64),
        in.strings("namespaces", NAMESPACES_MAX), metadata, limits, in.bool("active"));
  }

  static NewKey newKey(JsonInput in) {
    in.onlyFields(Set.of("name", "environment", "namespaces", "expires_at"));
    KeyEnvironment env = in.string("environment", 8).map(e -> KeyEnvironment.fromWire(e).orElseGet(() -> {
      in.error("environment", "must be live or test");
      return KeyEnvironment.LIVE;
    })).orElse(KeyEnvironment.LIVE);
    return new NewKey(in.string("name", NAME_MAX), env, in.strings("namespaces", NAMESPACES_MAX),
        in.timestamp("expires_at"));
  }

  private static Optional<LimitOverrides> limits(JsonInput in) {
    JsonNode n = in.raw("limits");
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isObject()) {
      in.error("limits", "must be an object with quota, rate_limit and/or usage_thresholds");
      return Optional.empty();
    }
    onlyKeys(in, n, "limits", Set.of("quota", "rate_limit", "usage_thresholds"));
    JsonNode q = n.path("quota");
    JsonNode r = n.path("rate_limit");
    onlyKeys(in, q, "limits.quota", Set.of("units", "period"));
    onlyKeys(in, r, "limits.rate_limit", Set.of("requests", "window_s", "burst"));
    Optional<Units> units = Optional.empty();
    JsonNode u = q.path("units");
    if (!u.isMissingNode() && !u.isNull()) {
      units = u.isNumber() ? Units.parse(u.decimalValue()) : Optional.empty();
      if (units.isEmpty()) {
        in.error("limits.quota.units", "must be a non-negative number with at most three decimals");
      }
    }
    Optional<QuotaPeriod> period = Optional.empty();
    JsonNode p = q.path("period");
    if (!p.isMissingNode() && !p.isNull()) {
      period = p.isTextual() ? QuotaPeriod.fromWire(p.textValue()) : Optional.empty();
      if (period.isEmpty()) {
        in.error("limits.quota.period", "must be month or year");
      }
    }
    long max = 1_000_000_000L;
    return Optional.of(new LimitOverrides(units, period,
        in.integer(r.path("requests"), "limits.rate_limit.requests", 1, max),
        in.integer(r.path("window_s"), "limits.rate_limit.window_s", 1, 86_400),
        in.integer(r.path("burst"), "limits.rate_limit.burst", 1, max),
        usageThresholds(in, n.path("usage_thresholds"))));
  }

  /** Whole percents of the quota, 1 to 1000, sorted without duplicates; {@code []} for none, absent keeps the tier's. */
  private static Optional<List<Integer>> usageThresholds(JsonInput in, JsonNode list) {
    if (list.isMissingNode() || list.isNull()) {
      return Optional.empty();
    }
    String field = "limits.usage_thresholds";
    if (!list.isArray() || list.size() > 20) {
      in.error(field, "must be a list of at most 20 whole percents");
      return Optional.empty();
    }
    java.util.TreeSet<Integer> percents = new java.util.TreeSet<>();
    for (JsonNode p : list) {
      if (p.isNull()) {
        in.error(field, "must be a whole number");
      }
      in.integer(p, field, 1, 1000).ifPresent(v -> percents.add(v.intValue()));
    }
    return Optional.of(List.copyOf(percents));
  }

  private static void onlyKeys(JsonInput in, JsonNode n, String path, Set<String> known) {
    if (n.isMissingNode() || n.isNull()) {
      return;
    }
    if (!n.isObject()) {
      in.error(path, "must be an object");
      return;
    }
    n.fieldNames().forEachRemaining(f -> {
      if (!known.contains(f)) {
        in.error(path + "." + f, "is not a known field");
      }
    });
  }
}
