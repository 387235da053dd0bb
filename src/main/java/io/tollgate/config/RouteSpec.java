package io.tollgate.config;

import io.tollgate.limits.Units;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured gate route: requests matching {@code method} and {@code path} are the operation
 * {@code operation} and cost {@code units}.
 *
 * @param method an HTTP method in upper case, or {@code *} for any
 * @param path a template of literal segments, {@code {name}} segments and a final {@code **}
 * @param operation the metered operation name
 * @param units the cost of one request, unless the engine reports another
 * @param namespaceHeader the header naming the namespace, when the path has no {@code {namespace}} segment
 */
public record RouteSpec(String method, String path, String operation, Units units, Optional<String> namespaceHeader) {
  /**
   * What an operation name may be, in a route and in a {@code /v1/verify} body: it is stored in every usage row and
   * written into the billing export.
   */
  public static final java.util.regex.Pattern OPERATION = java.util.regex.Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

  public RouteSpec {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(units, "units");
    Objects.requireNonNull(namespaceHeader, "namespaceHeader");
  }
}
