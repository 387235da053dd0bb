package io.tollgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.Problem.FieldError;
import io.tollgate.json.ExactJson;
import io.tollgate.text.ControlCharacters;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JSON request body with typed field readers. Readers never throw: each wrong field is collected, and
 * {@link #problem()} reports all of them at once as one 422.
 */
public final class JsonInput {
  static final String REFUSED_CHARACTERS =
      "control characters, line separators or bidirectional formatting characters";
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,253}$");
  private final JsonNode root;
  private final byte[] text;
  private final List<FieldError> errors = new ArrayList<>();

  private JsonInput(JsonNode root, byte[] text) {
    this.root = root;
    this.text = text;
  }

  /** Parses the body: empty when it is not JSON (400 already sent); an empty body is an empty object. */
  public static Optional<JsonInput> parse(RoutingContext ctx) {
    var body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return Optional.of(new JsonInput(AdminJson.object(), new byte[0]));
    }
    try {
      byte[] text = body.getBytes();
      JsonNode root = AdminJson.MAPPER.readTree(text);
      JsonInput input = new JsonInput(root == null ? AdminJson.object() : root, text);
      if (!input.root.isObject()) {
        input.errors.add(new FieldError("$", "the body must be a JSON object"));
      }
      return Optional.of(input);
    } catch (IOException e) {
      Problem.of(400, "malformed_json", "Malformed JSON", "the body is not valid JSON").send(ctx);
      return Optional.empty();
    }
  }

  /** Records an error for every field not in {@code known}. */
  public JsonInput onlyFields(Set<String> known) {
    if (root.isObject()) {
      Iterator<String> names = root.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        if (!known.contains(n)) {
          errors.add(new FieldError(n, "is not a known field"));
        }
      }
    }
    return this;
  }

  public void error(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  /** The collected errors as a 422, or empty when there are none. */
  public Optional<Problem> problem() {
    return errors.isEmpty() ? Optional.empty() : Optional.of(Problem.validation(errors));
  }

  /** Sends the 422 and returns true when any field was invalid. */
  public boolean refused(RoutingContext ctx) {
    problem().ifPresent(p -> p.send(ctx));
    return !errors.isEmpty();
  }

  public boolean has(String field) {
    return root.has(field);
  }

  private JsonNode node(String field) {
    return root.path(field);
  }

  /** A string of at most {@code maxLength}; absent or null is empty. */
  public Optional<String> string(String field, int maxLength) {
    JsonNode n = node(field);
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      error(field, "must be a string");
      return Optional.empty();
    }
    if (n.textValue().length() > maxLength) {
      error(field, "must have at most " + maxLength + " characters");
      return Optional.empty();
    }
    return printable(field, n.textValue());
  }

  /**
   * {@code text} when it holds no character that could take over an operator's terminal or reorder what it shows
   * ({@link ControlCharacters#isRefused}); otherwise the field's error, naming the first such character.
   */
  private Optional<String> printable(String field, String text) {
    Optional<String> refused = ControlCharacters.firstRefused(text);
    refused.ifPresent(c -> error(field, "must not contain " + REFUSED_CHARACTERS + " (" + c + ")"));
    return refused.isPresent() ? Optional.empty() : Optional.of(text);
  }

  /** Like {@link #string}, but absent or null is the error {@code is required}. */
  public Optional<String> requiredString(String field, int maxLength) {
    JsonNode n = node(field);
    if (n.isMissingNode() || n.isNull()) {
      error(field, "is required");
      return Optional.empty();
    }
    return string(field, maxLength);
  }

  /** An email address (at most 320 characters, one {@code @}, no space); absent or null is empty. */
  public Optional<String> email(String field) {
    return string(field, 320).filter(e -> {
      if (!EMAIL.matcher(e).matches()) {
        error(field, "must be an email address");
        return false;
      }
      return true;
    });
  }

  /** Like {@link #string}, but an explicit null is an empty string (to clear the field). */
  Optional<String> clearableString(String field, int maxLength) {
    return node(field).isNull() ? Optional.of("") : string(field, maxLength);
  }

  Optional<Boolean> bool(String field) {
    JsonNode n = node(field);
    if (n.isMissingNode()) {
      return Optional.empty();
    }
    if (!n.isBoolean()) {
      error(field, "must be true or false");
      return Optional.empty();
    }
    return Optional.of(n.booleanValue());
  }

  /** A whole number in {@code [min, max]}. */
  Optional<Long> integer(String field, long min, long max) {
    return integer(node(field), field, min, max);
  }

  Optional<Long> integer(JsonNode n, String field, long min, long max) {
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isNumber() || !isWhole(n.decimalValue())) {
      error(field, "must be a whole number");
      return Optional.empty();
    }
    BigDecimal v = n.decimalValue();
    if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
      error(field, "must be between " + min + " and " + max);
      return Optional.empty();
    }
    return Optional.of(v.longValueExact());
  }

  private static boolean isWhole(BigDecimal d) {
    return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
  }

  /** A list of strings, at most {@code maxItems}. */
  public Optional<List<String>> strings(String field, int maxItems) {
    JsonNode n = node(field);
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isArray() || n.size() > maxItems) {
      error(field, "must be a list of at most " + maxItems + " strings");
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : n) {
      if (!item.isTextual()) {
        error(field, "must be a list of strings");
        return Optional.empty();
      }
      if (printable(field + "[" + out.size() + "]", item.textValue()).isEmpty()) {
        return Optional.empty();
      }
      out.add(item.textValue());
    }
    return Optional.of(out);
  }

  /**
   * A top-level JSON object as a map of JSON-compatible values, its numbers {@link io.tollgate.json.JsonNumber}s with
   * the exact text sent (each within {@link ExactJson}'s bounds, or an error naming it).
   */
  Optional<Map<String, Object>> object(String field) {
    JsonNode n = node(field);
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isObject()) {
      error(field, "must be a JSON object");
      return Optional.empty();
    }
    int before = errors.size();
    printableStrings(field, n);
    Optional<Map<String, Object>> exact;
    try {
      exact = ExactJson.member(text, field, this::error); // numbers as sent, from the body's text
    } catch (IOException e) {
      throw new IllegalStateException("the body was read as JSON once already", e);
    }
    return errors.size() > before ? Optional.empty() : exact;
  }

  /** Records an error for every key and string value under {@code n} with a refused character. */
  private void printableStrings(String path, JsonNode n) {
    if (n.isTextual()) {
      printable(path, n.textValue());
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        printableStrings(path + "[" + i + "]", n.get(i));
      }
    } else if (n.isObject()) {
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        Optional<String> refused = ControlCharacters.firstRefused(e.getKey());
        if (refused.isPresent()) {
          error(path, "has a key with " + REFUSED_CHARACTERS + " (" + refused.get() + ")");
        } else {
          printableStrings(path + "." + e.getKey(), e.getValue());
        }
      }
    }
  }

  /** An RFC 3339 timestamp, in years 0000 to 9999 once in UTC ({@link Dates}). */
  Optional<Instant> timestamp(String field) {
    return string(field, 64).flatMap(s -> {
      try {
        Instant t = java.time.OffsetDateTime.parse(s).toInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (Dates.inRange(t)) {
          return Optional.of(t);
        }
      } catch (DateTimeParseException e) {
        // reported below
      }
      error(field, "must be an RFC 3339 timestamp in years 0000 to 9999 (UTC), such as 2026-01-31T00:00:00Z");
      return Optional.empty();
    });
  }

  JsonNode raw(String field) {
    return node(field);
  }
}
