package io.tollgate.gate;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Writes the gate's refusals as {@code application/problem+json}. Every 401 has the same body (apart from the
 * request id) whatever its cause, so a guesser learns nothing; only {@code WWW-Authenticate} tells "no key" from
 * "bad key" (RFC 6750).
 */
final class GateProblems {
  private GateProblems() {}

  static void send(HttpServerResponse response, Decision.Refused refused, RequestTrace trace) {
    Refusal reason = refused.reason();
    if (reason == Refusal.UNAUTHENTICATED) {
      response.putHeader("WWW-Authenticate", refused.noCredential() ? "Bearer realm=\"tollgate\""
          : "Bearer realm=\"tollgate\", error=\"invalid_token\"");
    }
    refused.retryAfter().ifPresent(d -> response.putHeader("Retry-After",
        Long.toString(Math.max(1, RateLimitHeaders.seconds(d)))));
    refused.entry().ifPresent(e -> RateLimitHeaders.add(response.headers(), e.owner().limits(), refused.rate(),
        refused.quota()));
    send(response, reason, reason.title(), trace);
  }

  static void send(HttpServerResponse response, Refusal reason, String detail, RequestTrace trace) {
    send(response, reason.status(), reason.code(), reason.title(), detail, trace);
  }

  /** Any gate problem, also those of the edge that have no {@link Refusal}. */
  static void send(HttpServerResponse response, int status, String code, String title, String detail,
      RequestTrace trace) {
    trace.refused(code);
    String requestId = trace.requestId();
    JsonObject body = new JsonObject()
        .put("type", "urn:tollgate:problem:" + code)
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("code", code)
        .put("request_id", requestId);
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/problem+json")
        .putHeader("X-Request-Id", requestId)
        .end(body.encode());
  }
}
