package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts an option's text to JSON ({@code --metadata '{"crm_id":42}'}); invalid JSON is a usage error. */
final class JsonArgument implements ITypeConverter<JsonNode> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public JsonNode convert(String value) {
    try {
      JsonNode node = JSON.readTree(value);
      if (!node.isMissingNode()) {
        return node;
      }
    } catch (IOException e) {
      // reported below, like an empty value
    }
    throw new TypeConversionException("not valid JSON: " + value);
  }
}
