package io.tollgate.gate;

/** Why the gate did not forward a request: the HTTP status and the stable problem code of each reason. */
public enum Refusal {
  ROUTE_NOT_FOUND(404, "route_not_found", "No route matches this request", false),
  UNAUTHENTICATED(401, "unauthorized", "A valid API key is required", false),
  CUSTOMER_SUSPENDED(403, "customer_suspended", "The customer is suspended", true),
  NAMESPACE_DENIED(403, "namespace_denied", "The namespace is not allowed for this key", true),
  RATE_LIMITED(429, "rate_limited", "Rate limit exceeded", true),
  QUOTA_EXCEEDED(429, "quota_exceeded", "Quota for the period exhausted", true),
  PAYLOAD_TOO_LARGE(413, "payload_too_large", "The request body is larger than allowed", false),
  BAD_REQUEST(400, "bad_request", "The request is malformed", false),
  ENGINE_UNAVAILABLE(502, "engine_unavailable", "The engine cannot be reached", true),
  ENGINE_TIMEOUT(504, "engine_timeout", "The engine did not answer in time", true),
  INTERNAL_ERROR(500, "internal_error", "Internal error", true),
  REGISTRY_STALE(503, "registry_stale", "The gate's registry is out of date", true),
  STORE_UNAVAILABLE(503, "store_unavailable", "Usage cannot be recorded now", true),
  LIMITS_UNAVAILABLE(503, "limits_unavailable", "The shared limits cannot be reached", true);

  private final int status;
  private final String code;
  private final String title;
  private final boolean counted;

  Refusal(int status, String code, String title, boolean counted) {
    this.status = status;
    this.code = code;
    this.title = title;
    this.counted = counted;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  /**
   * Whether it is counted against the customer in the usage tables ({@code rejected}), when the key named one; the
   * 5xx among them count against the SLA ({@link io.tollgate.metering.SlaRule}).
   */
  public boolean isCounted() {
    return counted;
  }
}
