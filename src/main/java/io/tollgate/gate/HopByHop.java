package io.tollgate.gate;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.tollgate.edge.FieldSyntax;
import io.vertx.core.MultiMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The hop-by-hop headers of RFC 9110 §7.6.1 and every header a {@code Connection} header names. */
final class HopByHop {
  /** Case-insensitive: a header's name is looked up as it came, without a lower-cased copy per header. */
  static final Set<String> NAMES = caseInsensitive("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings");

  private HopByHop() {}

  /**
   * Adds to {@code target} every header of {@code source} except the hop-by-hop ones, those a {@code Connection}
   * header names and {@code dropped} (a lower-case name): one pass, each header copied once.
   */
  static void copyEndToEnd(MultiMap source, MultiMap target, String dropped) {
    List<String> connection = connectionValues(source);
    for (Map.Entry<String, String> h : source) {
      String name = h.getKey();
      if (NAMES.contains(name) || name.equalsIgnoreCase(dropped)
          || !connection.isEmpty() && named(connection, name)) {
        continue;
      }
      target.add(name, h.getValue());
    }
  }

  /** Whether a {@code Connection} header names {@code name} (case-insensitive), so that it would be stripped. */
  static boolean namedByConnection(MultiMap headers, String name) {
    return named(connectionValues(headers), name);
  }

  /**
   * Whether {@code name} is one of the names the {@code Connection} header values list (comma-separated, each
   * trimmed, empty entries left out; compared ignoring case). Read in place: no list of names, no substring per
   * name (splitting them was about 1 % of a proxied request's CPU samples).
   */
  static boolean named(List<String> connectionValues, String name) {
    for (String v : connectionValues) {
      if (FieldSyntax.listContains(v, name)) {
        return true;
      }
    }
    return false;
  }

  /** The values of the {@code Connection} headers, as they came; empty (and nothing allocated) when there is none. */
  static List<String> connectionValues(MultiMap headers) {
    return headers.contains(HttpHeaderNames.CONNECTION) ? headers.getAll(HttpHeaderNames.CONNECTION) : List.of();
  }

  /** An unmodifiable set of {@code names} whose lookups ignore case. */
  static Set<String> caseInsensitive(String... names) {
    TreeSet<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    Collections.addAll(set, names);
    return Collections.unmodifiableSet(set);
  }

  static boolean isTollgateHeader(String name) {
    return name.length() >= 11 && name.regionMatches(true, 0, "x-tollgate-", 0, 11);
  }
}
