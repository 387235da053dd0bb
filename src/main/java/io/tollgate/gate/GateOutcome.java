package io.tollgate.gate;

import java.time.Instant;
import java.util.Optional;

/**
 * What one gate request came to, once its answer has ended (or its connection closed first). Holds no secret: the
 * key appears only as its id.
 *
 * @param at when the request arrived
 * @param requestId its {@code X-Request-Id}
 * @param mode how it came: {@code proxy}, {@code verify}, {@code authorize} or {@code health}
 * @param method the HTTP method
 * @param client the client's address
 * @param customer the customer, when the key named one
 * @param keyId the key's id, when the key was known
 * @param namespace the namespace, when a route matched
 * @param operation the operation, when a route matched
 * @param unitsMilli the units billed, in thousandths (0 when nothing was billed)
 * @param status the HTTP status answered; {@value #CLIENT_CLOSED} when the client went away before the answer ended
 * @param code the refusal's problem code, or {@code engine_error} for an engine answer of 500 or more
 * @param totalNanos from arrival to the answer's end
 * @param decisionNanos time spent deciding (key, customer, namespace, limits), when a decision was made
 * @param engineNanos from forwarding to the engine's answer head, when the request went to the engine
 * @param bytesIn request body bytes read
 * @param bytesOut response body bytes written
 * @param engineUnitsRejected whether the engine reported units ({@code X-Tollgate-Units}) that were malformed or over
 *     {@code gate.max_units_per_request}, so that the route's units were billed instead
 */
public record GateOutcome(Instant at, String requestId, String mode, String method, String client,
    Optional<String> customer, Optional<String> keyId, Optional<String> namespace, Optional<String> operation,
    long unitsMilli, int status, Optional<String> code, long totalNanos, Optional<Long> decisionNanos,
    Optional<Long> engineNanos, long bytesIn, long bytesOut, boolean engineUnitsRejected) {

  /** The status logged when the client closed its connection before the answer ended (as nginx logs it). */
  public static final int CLIENT_CLOSED = 499;
  /** The outcome of an allowed request the engine answered below 500. */
  public static final String ALLOWED = "allowed";

  /** {@value #ALLOWED}, or the refusal's code, or {@code engine_error}. */
  public String outcome() {
    return code.orElse(ALLOWED);
  }
}
