package io.tollgate.admin;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: a single-page app built from {@code console/} into the jar under {@code io/tollgate/console},
 * served at {@code /console/} without the admin key (the page asks for it and sends it to {@code /admin/*}).
 * Every answer carries a strict Content-Security-Policy; hashed assets (no secret in them, a new name for new
 * content) are cached for good, the page and everything else never ({@code no-store}).
 */
final class ConsoleRoutes {
  static final String WEB_ROOT = "io/tollgate/console";
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";
  private static final String ASSETS = "/console/assets/";

  private ConsoleRoutes() {}

  static void mount(Router r) {
    r.get("/console").handler(ConsoleRoutes::redirect);
    // no method on the route: StaticHandler answers GET and HEAD and passes the rest on (405/404 problems)
    r.route("/console/*").handler(ConsoleRoutes::secure)
        .handler(StaticHandler.create(WEB_ROOT).setCachingEnabled(false).setDirectoryListing(false)
            .setIncludeHidden(false).setDefaultContentEncoding("UTF-8"));
  }

  /** {@code /console} to {@code /console/}; the route also matches {@code /console/}, which goes on. */
  private static void redirect(RoutingContext ctx) {
    if (ctx.request().path().endsWith("/")) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(301).putHeader("Location", "/console/").end();
  }

  private static void secure(RoutingContext ctx) {
    boolean hashed = ctx.normalizedPath().startsWith(ASSETS);
    ctx.addHeadersEndHandler(v -> ctx.response().headers()
        .set("Content-Security-Policy", CSP)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("X-Frame-Options", "DENY")
        .set("Cross-Origin-Opener-Policy", "same-origin")
        .set("Cross-Origin-Resource-Policy", "same-origin")
        .set("Cache-Control", hashed && ctx.response().getStatusCode() == 200
            ? "public, max-age=31536000, immutable" : "no-store"));
    ctx.next();
  }
}
