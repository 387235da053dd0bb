package io.tollgate.gate;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The hop-by-hop headers of RFC 9110 §7.6.1 and every header a {@code Connection} header names. */
final class HopByHop {
  static final Set<String> NAMES = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings");

  private HopByHop() {}

  /**
   * Adds to {@code target} every header of {@code source} except the hop-by-hop ones, those a {@code Connection}
   * header names and {@code dropped} (a lower-case name): one pass, each header copied once.
   */
  static void copyEndToEnd(MultiMap source, MultiMap target, String dropped) {
    List<String> connectionNamed = connectionNames(source);
    for (Map.Entry<String, String> h : source) {
      String name = h.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      if (NAMES.contains(lower) || lower.equals(dropped)
          || !connectionNamed.isEmpty() && named(connectionNamed, name)) {
        continue;
      }
      target.add(name, h.getValue());
    }
  }

  /** Whether a {@code Connection} header names {@code name} (case-insensitive), so that it would be stripped. */
  static boolean namedByConnection(MultiMap headers, String name) {
    return named(connectionNames(headers), name);
  }

  /** Whether {@code name} is one of {@code connectionNames} (case-insensitive). */
  static boolean named(List<String> connectionNames, String name) {
    for (String n : connectionNames) {
      if (n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** The header names the {@code Connection} headers list, trimmed, empty entries left out. */
  static List<String> connectionNames(MultiMap headers) {
    List<String> all = headers.getAll(HttpHeaderNames.CONNECTION);
    if (all.isEmpty()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String value : all) {
      for (String named : value.split(",")) {
        String name = named.trim();
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names;
  }

  static boolean isTollgateHeader(String name) {
    return name.length() >= 11 && name.regionMatches(true, 0, "x-tollgate-", 0, 11);
  }
}
