package io.tollgate.gate;

import io.tollgate.config.RouteSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configured routes, compiled: method and path template to operation, units and where the namespace is.
 * First match wins. Immutable; thread-safe.
 */
final class RouteTable {
  /** Where a request's namespace is when its route has neither a {namespace} segment nor a header. */
  static final String DEFAULT_NAMESPACE = "default";

  private final List<Compiled> routes;

  /**
   * A matched route.
   *
   * @param route the route
   * @param namespace the namespace from the path, or empty when the route takes it from a header (or has none)
   */
  record Match(RouteSpec route, Optional<String> namespace) {}

  private record Compiled(RouteSpec spec, String[] segments, boolean tail, int namespaceIndex) {}

  RouteTable(List<RouteSpec> specs) {
    List<Compiled> out = new ArrayList<>();
    for (RouteSpec s : specs) {
      String[] segs = s.path().substring(1).split("/", -1);
      boolean tail = segs.length > 0 && segs[segs.length - 1].equals("**");
      String[] fixed = tail ? java.util.Arrays.copyOf(segs, segs.length - 1) : segs;
      int ns = -1;
      for (int i = 0; i < fixed.length; i++) {
        if (fixed[i].equals("{namespace}")) {
          ns = i;
        }
      }
      out.add(new Compiled(s, fixed, tail, ns));
    }
    this.routes = List.copyOf(out);
  }

  int size() {
    return routes.size();
  }

  List<RouteSpec> specs() {
    return routes.stream().map(Compiled::spec).toList();
  }

  /**
   * The first route matching {@code method} and {@code path} (no query string). The path's segments are compared
   * in place, by their bounds: no array of substrings per request (splitting the path was about 1 % of a proxied
   * request's CPU samples); only the namespace taken from the path becomes a string.
   */
  Optional<Match> match(String method, String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return Optional.empty();
    }
    int count = 1;
    for (int i = 1; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        count++;
      }
    }
    // segment i is path[starts[i], starts[i + 1] - 1): each start is one past its slash, the last one past the end
    int[] starts = new int[count + 1];
    int k = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        starts[k++] = i + 1;
      }
    }
    starts[count] = path.length() + 1;
    for (Compiled c : routes) {
      if (!c.spec().method().equals("*") && !c.spec().method().equals(method)) {
        continue;
      }
      if (matches(c, path, starts, count)) {
        Optional<String> ns = c.namespaceIndex() < 0 ? Optional.empty()
            : Optional.of(path.substring(starts[c.namespaceIndex()], starts[c.namespaceIndex() + 1] - 1));
        return Optional.of(new Match(c.spec(), ns));
      }
    }
    return Optional.empty();
  }

  private static boolean matches(Compiled c, String path, int[] starts, int count) {
    if (c.tail() ? count < c.segments().length : count != c.segments().length) {
      return false;
    }
    for (int i = 0; i < c.segments().length; i++) {
      String seg = c.segments()[i];
      int from = starts[i];
      int length = starts[i + 1] - 1 - from;
      boolean param = seg.length() > 2 && seg.charAt(0) == '{';
      if (param ? length == 0 || isDots(path, from, length)
          : length != seg.length() || !path.regionMatches(from, seg, 0, length)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the segment is {@code .} or {@code ..}. */
  private static boolean isDots(String path, int from, int length) {
    return length <= 2 && path.charAt(from) == '.' && (length == 1 || path.charAt(from + 1) == '.');
  }
}
