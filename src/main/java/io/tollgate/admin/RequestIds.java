package io.tollgate.admin;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/** {@code X-Request-Id}: the client's when it is 1-128 safe characters, otherwise a new one; echoed on every answer. */
final class RequestIds {
  private static final Pattern VALID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
  private static final String KEY = "tollgate.requestId";

  private RequestIds() {}

  static void assign(RoutingContext ctx) {
    String given = ctx.request().getHeader("X-Request-Id");
    String id = given != null && VALID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader("X-Request-Id", id);
    ctx.next();
  }

  static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
