package io.tollgate.admin;

import io.vertx.ext.web.RoutingContext;

/** Puts the request's {@code X-Request-Id} (see {@link io.tollgate.edge.RequestIds}) on the context and the answer. */
final class RequestIds {
  private static final String KEY = "tollgate.requestId";

  private RequestIds() {}

  static void assign(RoutingContext ctx) {
    String id = io.tollgate.edge.RequestIds.of(ctx.request());
    ctx.put(KEY, id);
    ctx.response().putHeader("X-Request-Id", id);
    ctx.next();
  }

  static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
