package io.tollgate.registry;

/**
 * Why an admin change was refused: a stable problem code and the HTTP status it maps to.
 */
public enum Failure {
  CUSTOMER_NOT_FOUND(404, "customer_not_found", "Customer not found"),
  KEY_NOT_FOUND(404, "key_not_found", "Key not found"),
  CUSTOMER_EXISTS(409, "customer_exists", "Customer already exists"),
  CUSTOMER_DEACTIVATED(409, "customer_deactivated", "Customer is deactivated"),
  KEY_NOT_ACTIVE(409, "key_not_active", "Key is not active"),
  INVALID_CUSTOMER_ID(422, "invalid_customer_id", "Invalid customer id"),
  UNKNOWN_TIER(422, "unknown_tier", "Unknown tier"),
  INVALID_NAMESPACE(422, "invalid_namespace", "Invalid namespace"),
  NAMESPACE_NOT_GRANTED(422, "namespace_not_granted", "Namespace not granted to the customer"),
  INVALID_LIMITS(422, "invalid_limits", "Invalid limits"),
  INVALID_EXPIRY(422, "invalid_expiry", "Invalid expiry");

  private final int status;
  private final String code;
  private final String title;

  Failure(int status, String code, String title) {
    this.status = status;
    this.code = code;
    this.title = title;
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
}
