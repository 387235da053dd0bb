package io.tollgate.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** A parsed YAML file that remembers the line of every key, so errors can name it. */
final class YamlDocument {
  private static final YAMLFactory FACTORY = new YAMLFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  private final String source;
  private final JsonNode root;
  private final Map<String, Integer> lines;

  private YamlDocument(String source, JsonNode root, Map<String, Integer> lines) {
    this.source = source;
    this.root = root;
    this.lines = lines;
  }

  /** Parses {@code text}; {@code source} names the file in messages. An empty document is an empty mapping. */
  static YamlDocument parse(String source, String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME || t.isScalarValue() || t.isStructStart()) {
          lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.currentTokenLocation().getLineNr());
        }
      }
      JsonNode root = MAPPER.readTree(text);
      return new YamlDocument(source, root == null || root.isMissingNode() || root.isNull()
          ? MAPPER.createObjectNode() : root, lines);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new InvalidConfigException(source + ": not valid YAML at line " + line + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidConfigException(source + ": cannot be read: " + e.getMessage(), e);
    }
  }

  ConfigNode root() {
    return new ConfigNode(this, "", root);
  }

  String source() {
    return source;
  }

  /** "(line N)" for a JSON pointer, or an empty string when the key is not in the file. */
  String lineOf(String pointer) {
    Integer line = lines.get(pointer);
    return line == null ? "" : " (" + source + " line " + line + ")";
  }

  static JsonNode missing() {
    return MissingNode.getInstance();
  }
}
