package io.tollgate.cli.admin;

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

  /** One page, or with {@code --all} every page joined ({@link Pages#all}); {@code items} names the array. */
  Reply fetch(AdminClient client, String path, Map<String, String> filters, String items) {
    Map<String, String> q = new LinkedHashMap<>(filters);
    q.putAll(AdminClient.query("limit", limit == null ? null : limit.toString(), "cursor", cursor));
    return all ? Pages.all(client, path, q, items) : client.get(path, q);
  }
}
