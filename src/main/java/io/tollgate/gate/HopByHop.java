package io.tollgate.gate;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Removes the hop-by-hop headers of RFC 9110 §7.6.1 and every header a {@code Connection} header names. */
final class HopByHop {
  static final Set<String> NAMES = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings");

  private HopByHop() {}

  static void strip(MultiMap headers) {
    for (String name : connectionNames(headers)) {
      headers.remove(name);
    }
    for (String name : NAMES) {
      headers.remove(name);
    }
  }

  /** Whether a {@code Connection} header names {@code name} (case-insensitive), so that it would be stripped. */
  static boolean namedByConnection(MultiMap headers, String name) {
    return connectionNames(headers).stream().anyMatch(name::equalsIgnoreCase);
  }

  /** The header names the {@code Connection} headers list, trimmed, empty entries left out. */
  private static List<String> connectionNames(MultiMap headers) {
    List<String> names = new ArrayList<>();
    for (String value : headers.getAll("Connection")) {
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
    return name.length() >= 11 && name.substring(0, 11).toLowerCase(Locale.ROOT).equals("x-tollgate-");
  }
}
