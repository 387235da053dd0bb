package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.text.ControlCharacters;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How one JSON value prints in a table cell: absent and null as {@code -}, numbers without exponents, and every
 * character that could move the cursor, clear the screen or reorder the line as an escape ({@code \u001b}, see
 * {@link ControlCharacters#escape}), so that no stored text can forge a row or take over the terminal.
 */
final class Cells {
  private Cells() {}

  static String text(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return "-";
    }
    if (node.isNumber()) {
      if (node.isIntegralNumber()) {
        return node.asText();
      }
      java.math.BigDecimal d = node.decimalValue().stripTrailingZeros();
      return Math.abs(d.scale()) > 30 ? d.toString() : d.toPlainString(); // 1E+308, not 309 digits
    }
    if (node.isArray()) {
      return list(node);
    }
    return ControlCharacters.escape(node.isContainerNode() ? node.toString() : node.asText());
  }

  /** A JSON array as {@code a, b}; empty as {@code -}. */
  static String list(JsonNode array) {
    List<String> items = new ArrayList<>();
    array.forEach(n -> items.add(ControlCharacters.escape(n.asText())));
    return items.isEmpty() ? "-" : String.join(", ", items);
  }

  /** A JSON object as {@code a 1, b 2}; empty as {@code -}. */
  static String pairs(JsonNode object) {
    List<String> items = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      items.add(ControlCharacters.escape(e.getKey()) + " " + text(e.getValue()));
    }
    return items.isEmpty() ? "-" : String.join(", ", items);
  }

  /** A {@code {units, period}} quota as {@code 2000000 units / year}. */
  static String quota(JsonNode quota) {
    return quota.isMissingNode() ? "-" : text(quota.path("units")) + " units / " + text(quota.path("period"));
  }

  /** A {@code {requests, window_s, burst}} rate limit as {@code 50 / 1 s, burst 50}. */
  static String rateLimit(JsonNode rate) {
    return rate.isMissingNode() ? "-"
        : text(rate.path("requests")) + " / " + text(rate.path("window_s")) + " s, burst " + text(rate.path("burst"));
  }

  /** A ratio (0.0249) as a percentage ({@code 2.49 %}); null as {@code -}. */
  static String percent(JsonNode ratio) {
    return ratio.isNumber() ? String.format(Locale.ROOT, "%.2f %%", ratio.asDouble() * 100) : "-";
  }

  /** The line that tells how to get the next page, when there is one. */
  static void nextPage(JsonNode document, PrintWriter out) {
    JsonNode next = document.path("next_cursor");
    if (next.isTextual()) {
      out.println("(more: --cursor " + next.asText() + ", or --all)");
    }
  }
}
