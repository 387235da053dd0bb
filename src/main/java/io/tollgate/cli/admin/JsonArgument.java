package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.ExactJson;
import java.io.IOException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts an option's text to JSON ({@code --metadata '{"crm_id":42}'}); invalid JSON is a usage error. Numbers
 * are sent with the exact text given ({@code 18446744073709551617}, {@code 1.50}), never rounded to a double.
 */
final class JsonArgument implements ITypeConverter<JsonNode> {
  @Override
  public JsonNode convert(String value) {
    try {
      return ExactJson.toNode(ExactJson.read(value));
    } catch (IOException e) {
      throw new TypeConversionException("not valid JSON: " + value);
    }
  }
}
