package io.tollgate.gate;

import io.tollgate.limits.Units;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Optional;

/**
 * What the decision needs to know of a request, whichever way it came (proxy, verify or authorize).
 *
 * @param credential the key presented
 * @param operation the operation it is
 * @param units what it costs, to reserve against the quota
 * @param namespace the namespace it touches
 * @param dryRun check everything but take no token and reserve nothing
 */
record GateRequest(Credential credential, String operation, Units units, String namespace, boolean dryRun) {

  /**
   * The request a routed HTTP request makes: its key, the route's operation and units, and its namespace; empty
   * when the route's namespace header is ambiguous: repeated, a comma-separated list (the same thing, RFC 9110
   * §5.3), or named by {@code Connection} (the engine would not get the namespace the gate checked).
   */
  static Optional<GateRequest> routed(RouteTable.Match m, MultiMap headers) {
    Optional<String> namespace = m.namespace();
    if (namespace.isEmpty() && m.route().namespaceHeader().isPresent()) {
      String name = m.route().namespaceHeader().get();
      List<String> values = headers.getAll(name);
      if (values.size() > 1 || values.size() == 1 && values.get(0).indexOf(',') >= 0
          || HopByHop.namedByConnection(headers, name)) {
        return Optional.empty();
      }
      namespace = values.stream().findFirst().filter(s -> !s.isEmpty());
    }
    return Optional.of(new GateRequest(Credential.from(headers), m.route().operation(), m.route().units(),
        namespace.orElse(RouteTable.DEFAULT_NAMESPACE), false));
  }
}
