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
  public RouteSpec {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(units, "units");
    Objects.requireNonNull(namespaceHeader, "namespaceHeader");
  }
}
