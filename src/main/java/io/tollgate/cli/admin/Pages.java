package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --all}: follows {@code next_cursor} from page to page and joins the pages into one document. */
final class Pages {
  private Pages() {}

  /**
   * Every page of a paginated list, as one document {@code {"<items>": [...every item...], "next_cursor": null}};
   * the first refusal or unreachable answer ends the walk and is returned as it is.
   */
  static Reply all(AdminClient client, String path, Map<String, String> query, String items) {
    ArrayNode joined = JsonNodeFactory.instance.arrayNode();
    Map<String, String> q = new LinkedHashMap<>(query);
    while (true) {
      Reply reply = client.get(path, q);
      if (!(reply instanceof Reply.Answered page)) {
        return reply;
      }
      page.document().path(items).forEach(joined::add);
      JsonNode next = page.document().path("next_cursor");
      if (!next.isTextual()) {
        ObjectNode all = JsonNodeFactory.instance.objectNode();
        all.set(items, joined);
        all.putNull("next_cursor");
        return new Reply.Answered(page.status(), all, all.toString());
      }
      q.put("cursor", next.asText());
    }
  }
}
