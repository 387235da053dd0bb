package io.tollgate.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * JSON values as plain Java values whose numbers are {@link JsonNumber}s, the exact text: what keeps the operator's
 * metadata exact from the Admin API through the store and back. A number is accepted when its text has at most
 * {@value #MAX_NUMBER_LENGTH} characters and it is zero or a 64-bit float reads it as neither infinite nor zero
 * (about {@code 4.9e-324} to {@code 1.7976931348623157e308} in magnitude), so that every JSON reader can hold it,
 * though maybe not exactly; {@code 1e999999999} and {@code 1e-400} are refused. Thread-safe.
 */
public final class ExactJson {
  /** The longest number text accepted: 100 characters. */
  public static final int MAX_NUMBER_LENGTH = 100;
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  private ExactJson() {}

  /**
   * The object that is member {@code name} of the JSON object {@code document}, numbers exact; each number out of
   * range is reported to {@code errors} by its path ({@code name.a.b[2]}). Empty when there is no such member or
   * it is not an object.
   */
  public static Optional<Map<String, Object>> member(byte[] document, String name,
      BiConsumer<String, String> errors) throws IOException {
    try (JsonParser p = FACTORY.createParser(document)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals(name)) {
          return value == JsonToken.START_OBJECT ? Optional.of(object(p, name, errors)) : Optional.empty();
        }
        p.skipChildren();
      }
      return Optional.empty();
    }
  }

  /** A JSON object's text as a map, numbers exact (not checked: what the store holds was checked when written). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readObject(String json) throws IOException {
    if (!(read(json) instanceof Map<?, ?> map)) {
      throw new IOException("not a JSON object");
    }
    return (Map<String, Object>) map;
  }

  /** Any JSON value's text as plain Java values, numbers exact and not checked. */
  public static Object read(String json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        throw new IOException("no JSON value");
      }
      Object value = value(p, "$", (path, message) -> { });
      if (p.nextToken() != null) {
        throw new IOException("trailing content after the value");
      }
      return value;
    }
  }

  private static Map<String, Object> object(JsonParser p, String path, BiConsumer<String, String> errors)
      throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      map.put(key, value(p, path + "." + key, errors));
    }
    return map;
  }

  private static Object value(JsonParser p, String path, BiConsumer<String, String> errors) throws IOException {
    return switch (p.currentToken()) {
      case START_OBJECT -> object(p, path, errors);
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p, path + "[" + list.size() + "]", errors));
        }
        yield list;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p.getText(), path, errors);
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected " + p.currentToken());
    };
  }

  private static JsonNumber number(String text, String path, BiConsumer<String, String> errors) {
    if (text.length() > MAX_NUMBER_LENGTH) {
      errors.accept(path, "must be a number of at most " + MAX_NUMBER_LENGTH + " characters");
    } else if (!inRange(text)) {
      errors.accept(path, "must be 0 or a number a 64-bit float can hold (4.9e-324 to 1.7976931348623157e308 in"
          + " magnitude)");
    }
    return JsonNumber.of(text);
  }

  /** Zero, or a magnitude a 64-bit float can hold; the exponent is checked first, so no huge value is built. */
  private static boolean inRange(String text) {
    BigDecimal v;
    try {
      v = new BigDecimal(text);
    } catch (NumberFormatException e) {
      return false; // an exponent beyond an int
    }
    if (v.signum() == 0) {
      return true;
    }
    long exponent = (long) v.precision() - v.scale() - 1; // v = d.ddd × 10^exponent
    if (exponent > 308 || exponent < -325) {
      return false;
    }
    double nearest = Double.parseDouble(text);
    return !Double.isInfinite(nearest) && nearest != 0;
  }

  /**
   * {@code value} (maps, lists, strings, booleans, numbers, null) as a JSON tree; a {@link JsonNumber} becomes a raw
   * value written as its exact text.
   */
  public static JsonNode toNode(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (value) {
      case null -> f.nullNode();
      case JsonNumber n -> f.rawValueNode(new RawValue(n.toString()));
      case Map<?, ?> map -> {
        ObjectNode o = f.objectNode();
        map.forEach((k, v) -> o.set(String.valueOf(k), toNode(v)));
        yield o;
      }
      case List<?> list -> {
        ArrayNode a = f.arrayNode();
        list.forEach(v -> a.add(toNode(v)));
        yield a;
      }
      default -> MAPPER.valueToTree(value);
    };
  }
}
