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
record GateRequest(Credential credential, String operation, Units units, String namespace, boolean dryRun) {}
