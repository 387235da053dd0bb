package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --limit}, {@code --cursor} and {@code --all} of a paginated list (a picocli mixin). */
final class Paging {
  @Option(names = "--limit", paramLabel = "N", description = "page size, 1-500 (server default 50)")
  Integer limit;

  @Option(names = "--cursor", paramLabel = "CURSOR", description = "the next_cursor of the previous page")
  String cursor;

  @Option(names = "--all", description = "follow next_cursor and print every page as one list")
  boolean all;

  /**
   * One page, or with {@code --all} every page joined into one document
   * {@code {"<items>": [...every item...], "next_cursor": null}}; {@code items} names the array. With
   * {@code --all} the first refusal or unreachable answer ends the walk and is returned as it is.
   */
  Reply fetch(AdminClient client, String path, Map<String, String> filters, String items) {
    Map<String, String> q = new LinkedHashMap<>(filters);
    q.putAll(AdminClient.query("limit", limit == null ? null : limit.toString(), "cursor", cursor));
    return all ? every(client, path, q, items) : client.get(path, q);
  }

  private static Reply every(AdminClient client, String path, Map<String, String> q, String items) {
    ArrayNode joined = JsonNodeFactory.instance.arrayNode();
    while (true) {
      Reply reply = client.get(path, q);
      if (!(reply instanceof Reply.Answered page)) {
        return reply;
      }
      page.document().path(items).forEach(joined::add);
      JsonNode next = page.document().path("next_cursor");
      if (!next.isTextual()) {
        ObjectNode every = JsonNodeFactory.instance.objectNode();
        every.set(items, joined);
        every.putNull("next_cursor");
        return new Reply.Answered(page.status(), every, every.toString());
      }
      q.put("cursor", next.asText());
    }
  }
}
