package io.tollgate.config;

import io.tollgate.limits.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and validates the {@code routes:} list. */
final class RouteParser {
  private static final Pattern METHOD = Pattern.compile("^([A-Z]{3,10}|\\*)$");
  private static final Pattern LITERAL = Pattern.compile("^[A-Za-z0-9._~!$&'()+,;=:@-]+$");
  private static final Pattern PARAM = Pattern.compile("^\\{[a-z_][a-z0-9_]*}$");
  private static final Pattern HEADER = Pattern.compile("^[A-Za-z0-9-]{1,64}$");

  private RouteParser() {}

  static final List<RouteSpec> DEFAULT_ROUTES = List.of(
      route("PUT", "/v1/{namespace}/items/{id}", "put", 1000),
      route("GET", "/v1/{namespace}/items/{id}", "get", 500),
      route("DELETE", "/v1/{namespace}/items/{id}", "delete", 500),
      route("POST", "/v1/{namespace}/query", "query_topk", 2000),
      route("POST", "/v1/{namespace}/search", "search", 1500),
      route("*", "/v1/{namespace}/serve/**", "serve", 1000));

  private static RouteSpec route(String method, String path, String op, long milli) {
    return new RouteSpec(method, path, op, new Units(milli), Optional.empty());
  }

  /** The routes, none costing more than {@code maxUnits} ({@code gate.max_units_per_request}). */
  static List<RouteSpec> parse(ConfigNode routes, Units maxUnits) {
    if (!routes.isPresent()) {
      DEFAULT_ROUTES.stream().filter(r -> r.units().compareTo(maxUnits) > 0).findFirst().ifPresent(r -> {
        throw new InvalidConfigException("gate.max_units_per_request: the default route " + r.path() + " costs "
            + r.units() + " units, more than " + maxUnits);
      });
      return DEFAULT_ROUTES;
    }
    List<RouteSpec> out = new ArrayList<>();
    for (ConfigNode r : routes.list()) {
      out.add(parseOne(r, maxUnits));
    }
    return out;
  }

  private static RouteSpec parseOne(ConfigNode r, Units maxUnits) {
    r.onlyKeys(Set.of("method", "path", "operation", "units", "namespace_header"));
    String method = r.get("method").text().orElseThrow(() -> r.get("method").fail("is required"));
    if (!METHOD.matcher(method).matches()) {
      throw r.get("method").fail("must be an HTTP method in upper case or *");
    }
    String path = r.get("path").text().orElseThrow(() -> r.get("path").fail("is required"));
    boolean namespaceInPath = validatePath(r.get("path"), path);
    String operation = r.get("operation").text().orElseThrow(() -> r.get("operation").fail("is required"));
    if (!RouteSpec.OPERATION.matcher(operation).matches()) {
      throw r.get("operation").fail("must match " + RouteSpec.OPERATION.pattern());
    }
    Units units = r.get("units").decimal()
        .map(d -> Units.parse(d).orElseThrow(
            () -> r.get("units").fail("must be a non-negative number with at most three decimals")))
        .orElse(Units.of(1));
    if (units.compareTo(maxUnits) > 0) {
      throw r.get("units").isPresent() ? r.get("units").fail("must be at most gate.max_units_per_request (" + maxUnits
          + ")") : r.fail("costs 1 unit by default, more than gate.max_units_per_request (" + maxUnits + ")");
    }
    Optional<String> header = r.get("namespace_header").text();
    if (header.isPresent() && !HEADER.matcher(header.get()).matches()) {
      throw r.get("namespace_header").fail("must be a header name");
    }
    if (header.isPresent() && namespaceInPath) {
      throw r.get("namespace_header").fail("conflicts with the {namespace} segment of the path");
    }
    return new RouteSpec(method, path, operation, units, header);
  }

  /** Checks the template; returns whether it has a {namespace} segment. */
  private static boolean validatePath(ConfigNode at, String path) {
    if (!path.startsWith("/")) {
      throw at.fail("must start with /");
    }
    String[] segments = path.substring(1).split("/", -1);
    boolean namespace = false;
    Set<String> params = new java.util.HashSet<>();
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.equals("**")) {
        if (i != segments.length - 1) {
          throw at.fail("** may only be the last segment");
        }
      } else if (PARAM.matcher(s).matches()) {
        if (!params.add(s)) {
          throw at.fail("names the parameter " + s + " twice");
        }
        namespace |= s.equals("{namespace}");
      } else if (!LITERAL.matcher(s).matches() && !(s.isEmpty() && i == segments.length - 1)) {
        throw at.fail("segment '" + s + "' is neither a literal, a {parameter} nor **");
      }
    }
    return namespace;
  }
}
