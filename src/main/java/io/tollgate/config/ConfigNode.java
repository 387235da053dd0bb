package io.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A position in a {@link YamlDocument} with typed readers whose errors name the dotted key and its line. */
final class ConfigNode {
  private final YamlDocument doc;
  private final String pointer;
  private final JsonNode node;

  ConfigNode(YamlDocument doc, String pointer, JsonNode node) {
    this.doc = doc;
    this.pointer = pointer;
    this.node = node;
  }

  boolean isPresent() {
    return !node.isMissingNode() && !node.isNull();
  }

  ConfigNode get(String name) {
    if (isPresent() && !node.isObject()) {
      throw fail("must be a mapping");
    }
    return new ConfigNode(doc, pointer + "/" + name, node.path(name));
  }

  /** Refuses any key of this mapping that is not in {@code known}. */
  ConfigNode onlyKeys(Set<String> known) {
    if (!isPresent()) {
      return this;
    }
    if (!node.isObject()) {
      throw fail("must be a mapping");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        throw get(n).fail("is not a known key (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
    return this;
  }

  Optional<String> text() {
    if (!isPresent()) {
      return Optional.empty();
    }
    if (!node.isValueNode() || node.isBoolean()) {
      throw fail("must be a string");
    }
    return Optional.of(node.asText());
  }

  String text(String defaultValue) {
    return text().orElse(defaultValue);
  }

  /** Whether the value is YAML's {@code false}, which YAML 1.1 also spells {@code off} and {@code no}. */
  boolean isFalse() {
    return isPresent() && node.isBoolean() && !node.booleanValue();
  }

  Optional<Boolean> bool() {
    if (!isPresent()) {
      return Optional.empty();
    }
    if (!node.isBoolean()) {
      throw fail("must be true or false");
    }
    return Optional.of(node.booleanValue());
  }

  Optional<BigDecimal> decimal() {
    if (!isPresent()) {
      return Optional.empty();
    }
    if (!node.isNumber()) {
      throw fail("must be a number");
    }
    return Optional.of(node.decimalValue());
  }

  Optional<Long> integer() {
    return decimal().map(d -> {
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        throw fail("must be a whole number");
      }
    });
  }

  /** A duration: a number of seconds, or text such as {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
  Optional<java.time.Duration> duration() {
    if (!isPresent()) {
      return Optional.empty();
    }
    if (node.isNumber()) {
      return Optional.of(java.time.Duration.ofMillis(node.decimalValue().movePointRight(3).longValue()));
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\s*(ms|s|m|h)$").matcher(text().orElse(""));
    if (!m.matches()) {
      throw fail("must be a duration such as 500ms, 10s, 2m or 1h");
    }
    long v = Long.parseLong(m.group(1));
    return Optional.of(switch (m.group(2)) {
      case "ms" -> java.time.Duration.ofMillis(v);
      case "s" -> java.time.Duration.ofSeconds(v);
      case "m" -> java.time.Duration.ofMinutes(v);
      default -> java.time.Duration.ofHours(v);
    });
  }

  /** A size in bytes: a number, or text such as {@code 8KiB}, {@code 32KiB}, {@code 100MiB}. */
  Optional<Long> bytes() {
    if (!isPresent()) {
      return Optional.empty();
    }
    if (node.isNumber()) {
      return integer();
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\s*(B|KiB|MiB|GiB)?$").matcher(text().orElse(""));
    if (!m.matches()) {
      throw fail("must be a size such as 8192, 8KiB or 100MiB");
    }
    long v = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    return Optional.of(switch (unit) {
      case "KiB" -> v * 1024;
      case "MiB" -> v * 1024 * 1024;
      case "GiB" -> v * 1024 * 1024 * 1024;
      default -> v;
    });
  }

  List<ConfigNode> list() {
    if (!isPresent()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw fail("must be a list");
    }
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(new ConfigNode(doc, pointer + "/" + i, node.get(i)));
    }
    return out;
  }

  /** An error about this key: {@code gate.listen: must be host:port (config.yaml line 3)}. */
  InvalidConfigException fail(String message) {
    String key = pointer.isEmpty() ? "(top level)" : pointer.substring(1).replace('/', '.');
    return new InvalidConfigException(key + ": " + message + doc.lineOf(pointer));
  }
}
