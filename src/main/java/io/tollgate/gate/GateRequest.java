package io.tollgate.gate;

import io.tollgate.limits.Units;

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

  /** The request a routed HTTP request makes: its key, the route's operation and units, and its namespace. */
  static GateRequest routed(RouteTable.Match m, io.vertx.core.MultiMap headers) {
    String namespace = m.namespace()
        .or(() -> m.route().namespaceHeader().map(headers::get).filter(s -> !s.isEmpty()))
        .orElse(RouteTable.DEFAULT_NAMESPACE);
    return new GateRequest(Credential.from(headers::getAll), m.route().operation(), m.route().units(), namespace,
        false);
  }
}
