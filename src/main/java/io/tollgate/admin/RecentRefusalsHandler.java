package io.tollgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.metering.RecentRefusals;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /admin/refusals/recent}: the refusals this node counted in the last hour (memory only, no store). */
final class RecentRefusalsHandler {
  private final RecentRefusals recent;

  RecentRefusalsHandler(RecentRefusals recent) {
    this.recent = recent;
  }

  void lastHour(RoutingContext ctx) {
    RecentRefusals.Window w = recent.lastHour();
    ObjectNode body = AdminJson.object().put("window_s", RecentRefusals.WINDOW.toSeconds())
        .put("since", millis(w.from())).put("until", millis(w.to())).put("total", w.total());
    body.set("by_code", AdminJson.valueOf(w.byCode()));
    body.set("by_customer", AdminJson.valueOf(w.byCustomer()));
    AdminJson.send(ctx, 200, body);
  }

  /** RFC 3339 UTC with millisecond precision, like every other time in the Admin API. */
  private static String millis(java.time.Instant t) {
    return t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
  }
}
