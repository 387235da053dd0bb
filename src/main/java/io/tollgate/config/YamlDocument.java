package io.tollgate.config;

import com.fasterxml.jackson.core.JsonLocation;
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
import org.yaml.snakeyaml.error.MarkedYAMLException;

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
      throw new InvalidConfigException(syntaxError(source, e));
    } catch (IOException e) {
      throw new InvalidConfigException(source + ": cannot be read: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Line, column and what is wrong, never the file's text: the parser's own message quotes the offending line
   * (which may hold an admin key or the HMAC secret), so only SnakeYAML's problem description is kept, and nothing
   * of the exception travels on as a cause.
   */
  private static String syntaxError(String source, JsonProcessingException e) {
    String problem = "syntax error";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m && m.getProblem() != null) {
        problem = m.getProblem().replaceAll("[\\r\\n]+", " ").strip();
        break;
      }
    }
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return source + ": not valid YAML" + where + ": " + problem;
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
