package io.tollgate.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import io.tollgate.json.ExactJson;
import io.tollgate.json.JsonNumber;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.Units;
import io.tollgate.registry.AuditEntry.FieldChange;
import io.tollgate.registry.LimitOverrides;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON kept in TEXT columns (namespaces, metadata, limit overrides, audit changes). Objects read back hold
 * {@code String}, {@code Boolean}, {@link JsonNumber} (the exact text written: a {@code BigDecimal} or a
 * {@code JsonNumber} is written as its text, so no number is rounded), {@code List}, {@code LinkedHashMap} and
 * {@code null}. Thread-safe.
 */
final class JsonColumns {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  // what most rows hold; read without Jackson, which costs more than the rest of loading a row
  private static final String EMPTY_ARRAY = "[]";
  private static final String EMPTY_OBJECT = "{}";

  private JsonColumns() {}

  static String writeStrings(List<String> values) {
    return write("a list of names", values);
  }

  static List<String> readStrings(String column, String json) {
    return EMPTY_ARRAY.equals(json) ? new ArrayList<>() : read(column, json, STRINGS);
  }

  static String writeObject(Map<String, Object> values) {
    return write("metadata", values);
  }

  /** A JSON object column (metadata, audit changes), its numbers {@link JsonNumber}s with the exact stored text. */
  static Map<String, Object> readObject(String column, String json) {
    if (EMPTY_OBJECT.equals(json)) {
      return new LinkedHashMap<>();
    }
    try {
      return ExactJson.readObject(json);
    } catch (IOException e) {
      throw StoreFailures.corruptJson(column, e);
    }
  }

  /** Only the overridden parts, e.g. {@code {"requests":100,"window_s":60}}; {@code {}} for none. */
  static String writeOverrides(LimitOverrides o) {
    ObjectNode node = MAPPER.createObjectNode();
    o.quotaUnits().ifPresent(u -> node.put("quota_units_milli", u.milli()));
    o.quotaPeriod().ifPresent(p -> node.put("quota_period", p.wireName()));
    o.requests().ifPresent(r -> node.put("requests", r));
    o.windowSeconds().ifPresent(w -> node.put("window_s", w));
    o.burst().ifPresent(b -> node.put("burst", b));
    o.usageThresholds().ifPresent(list -> list.forEach(node.putArray("usage_thresholds")::add));
    return node.toString();
  }

  static LimitOverrides readOverrides(String json) {
    if (EMPTY_OBJECT.equals(json)) {
      return LimitOverrides.NONE;
    }
    JsonNode node = read("overrides", json, new TypeReference<JsonNode>() {});
    try {
      return new LimitOverrides(
          longField(node, "quota_units_milli").map(Units::new),
          Optional.ofNullable(node.get("quota_period"))
              .map(p -> QuotaPeriod.fromWire(p.asText()).orElseThrow(() -> new IllegalArgumentException(p.asText()))),
          longField(node, "requests"),
          longField(node, "window_s"),
          longField(node, "burst"),
          Optional.ofNullable(node.get("usage_thresholds")).map(JsonColumns::percents));
    } catch (IllegalArgumentException e) {
      throw StoreFailures.corruptJson("overrides", e);
    }
  }

  private static List<Integer> percents(JsonNode list) {
    if (!list.isArray()) {
      throw new IllegalArgumentException("usage_thresholds is not a list");
    }
    List<Integer> out = new java.util.ArrayList<>();
    list.forEach(n -> out.add(n.intValue()));
    return out;
  }

  private static Optional<Long> longField(JsonNode node, String name) {
    return Optional.ofNullable(node.get(name)).map(JsonNode::longValue);
  }

  /** {@code {"field": {"before": …, "after": …}}}, in the entry's order. */
  static String writeChanges(Map<String, FieldChange> changes) {
    Map<String, Map<String, Object>> plain = new LinkedHashMap<>();
    changes.forEach((field, change) -> {
      Map<String, Object> pair = new LinkedHashMap<>();
      pair.put("before", change.before());
      pair.put("after", change.after());
      plain.put(field, pair);
    });
    return write("audit changes", plain);
  }

  static Map<String, FieldChange> readChanges(String json) {
    Map<String, Object> plain = readObject("audit changes", json);
    Map<String, FieldChange> changes = new LinkedHashMap<>();
    plain.forEach((field, pair) -> {
      if (!(pair instanceof Map<?, ?> m)) {
        throw StoreFailures.corruptJson("audit changes", null);
      }
      changes.put(field, new FieldChange(m.get("before"), m.get("after")));
    });
    return changes;
  }

  private static String write(String what, Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw StoreFailures.notJson(what, e);
    }
  }

  private static <T> T read(String column, String json, TypeReference<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw StoreFailures.corruptJson(column, e);
    }
  }
}
