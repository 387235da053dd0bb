package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Request bodies from options: an option not given (null) leaves its field out, so the server keeps its value. */
final class Bodies {
  private Bodies() {}

  static void putText(ObjectNode body, String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
  }

  static void putList(ObjectNode body, String field, List<String> values) {
    if (values != null) {
      values.forEach(body.putArray(field)::add);
    }
  }

  static void putJson(ObjectNode body, String field, JsonNode value) {
    if (value != null) {
      body.set(field, value);
    }
  }
}
