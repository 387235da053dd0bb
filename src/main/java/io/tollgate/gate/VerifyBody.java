package io.tollgate.gate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tollgate.config.RouteSpec;
import io.tollgate.limits.Units;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the body of {@code POST /v1/verify}: {@code {"key", "namespace"?, "operation"?, "units"?, "dry_run"?}}.
 * Numbers are read as written, never through a {@code double} (which would round {@code 1.0000000000000001} to
 * {@code 1} and turn {@code 1e400} into infinity); duplicate keys are refused. Stateless and thread-safe.
 */
final class VerifyBody {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final String SHAPE = "expected {\"key\": string, \"namespace\"?: string, \"operation\"?: string,"
      + " \"units\"?: number, \"dry_run\"?: boolean}";

  /** What the body says: a request to decide, or why it is refused with 400. */
  sealed interface Parsed {
    record Request(GateRequest request) implements Parsed {}

    record Invalid(String detail) implements Parsed {}
  }

  private VerifyBody() {}

  /**
   * @param body the bytes, empty for {@code {}}
   * @param unitsOf the units of an operation, when the body names none
   * @param maxUnits the most units one request may ask ({@code gate.max_units_per_request})
   */
  static Parsed parse(byte[] body, Function<String, Units> unitsOf, Units maxUnits) {
    JsonNode in;
    try {
      in = body.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(body);
    } catch (JacksonException e) {
      return new Parsed.Invalid("the body is not a JSON object");
    } catch (IOException e) {
      return new Parsed.Invalid("the body cannot be read");
    }
    if (in == null || !in.isObject()) {
      return new Parsed.Invalid("the body is not a JSON object");
    }
    if (!in.path("key").isTextual() || !optional(in.get("namespace"), JsonNode::isTextual)
        || !optional(in.get("operation"), JsonNode::isTextual) || !optional(in.get("dry_run"), JsonNode::isBoolean)
        || !optional(in.get("units"), JsonNode::isNumber)) {
      return new Parsed.Invalid(SHAPE);
    }
    String namespace = text(in.get("namespace")).orElse(RouteTable.DEFAULT_NAMESPACE);
    String operation = text(in.get("operation")).orElse(VerifyHandler.DEFAULT_OPERATION);
    if (!RouteSpec.OPERATION.matcher(operation).matches()) {
      // it is stored in every usage row of the batch and written into the billing export: a NUL or a name too long
      // for the usage index made PostgreSQL refuse the batch of every customer, and a formula reached the CSV
      return new Parsed.Invalid("operation must match " + RouteSpec.OPERATION.pattern());
    }
    boolean dryRun = in.path("dry_run").asBoolean(false);
    JsonNode units = in.get("units");
    Optional<Units> cost = units == null || units.isNull() ? Optional.of(unitsOf.apply(operation))
        : RequestUnits.parse(units.decimalValue(), maxUnits);
    if (cost.isEmpty()) {
      return new Parsed.Invalid(RequestUnits.rule(maxUnits));
    }
    return new Parsed.Request(new GateRequest(new Credential.Presented(in.get("key").asText()), operation, cost.get(),
        namespace, dryRun));
  }

  private static boolean optional(JsonNode value, java.util.function.Predicate<JsonNode> type) {
    return value == null || value.isNull() || type.test(value);
  }

  private static Optional<String> text(JsonNode value) {
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }
}
