package io.tollgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.registry.Failure;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * An RFC 9457 {@code application/problem+json} answer with a stable {@code code}.
 *
 * @param status HTTP status
 * @param code stable machine-readable code, also the last part of {@code type}
 * @param title short summary of the problem type
 * @param detail explanation of this occurrence (never a secret)
 * @param errors field errors of a validation failure
 */
public record Problem(int status, String code, String title, String detail, List<FieldError> errors) {

  /** One invalid field: its JSON path and what is wrong. */
  public record FieldError(String field, String message) {}

  public static Problem of(int status, String code, String title, String detail) {
    return new Problem(status, code, title, detail, List.of());
  }

  public static Problem of(Failure failure, String detail) {
    return of(failure.status(), failure.code(), failure.title(), detail);
  }

  static Problem validation(List<FieldError> errors) {
    String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
        : errors.size() + " fields are invalid";
    return new Problem(422, "validation_failed", "Invalid request", detail, List.copyOf(errors));
  }

  static Problem unauthorized() {
    return of(401, "unauthorized", "Unauthorized", "a valid admin key is required");
  }

  static Problem notFound(String detail) {
    return of(404, "not_found", "Not found", detail);
  }

  static Problem internal() {
    return of(500, "internal_error", "Internal error", "the request could not be completed; see the server log");
  }

  /** What a {@code 503} tells the client to wait, in seconds. */
  private static final String RETRY_AFTER_SECONDS = "1";

  static Problem storeUnavailable() {
    return of(503, "store_unavailable", "Store unavailable", "the store cannot be reached; retry later");
  }

  public void send(RoutingContext ctx) {
    ObjectNode body = AdminJson.object()
        .put("type", "urn:tollgate:problem:" + code)
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("code", code);
    String requestId = RequestIds.of(ctx);
    if (requestId != null) {
      body.put("request_id", requestId);
    }
    if (!errors.isEmpty()) {
      ArrayNode list = body.putArray("errors");
      errors.forEach(e -> list.addObject().put("field", e.field()).put("message", e.message()));
    }
    var response = ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json");
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"tollgate-admin\"");
    }
    if (status == 503) {
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    response.end(AdminJson.write(body));
  }
}
