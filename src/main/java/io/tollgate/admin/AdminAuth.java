package io.tollgate.admin;

import io.tollgate.registry.AdminKeyring;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;

/**
 * Lets a request through only with an admin key, as {@code Authorization: Bearer} or {@code x-api-key}; both
 * present with different values, or any other credential, is a 401.
 */
final class AdminAuth {
  private static final String ACTOR = "tollgate.adminKeyId";
  private final AdminKeyring keyring;

  AdminAuth(AdminKeyring keyring) {
    this.keyring = keyring;
  }

  void handle(RoutingContext ctx) {
    Optional<String> actor = credential(ctx).flatMap(keyring::authenticate);
    if (actor.isEmpty()) {
      Problem.unauthorized().send(ctx);
      return;
    }
    ctx.put(ACTOR, actor.get());
    ctx.next();
  }

  /** The admin key id that made this request. */
  static String actor(RoutingContext ctx) {
    return ctx.get(ACTOR);
  }

  /** The presented credential; empty when missing, when ambiguous, or when the Authorization scheme is not Bearer. */
  static Optional<String> credential(RoutingContext ctx) {
    var headers = ctx.request().headers();
    if (headers.getAll("Authorization").size() > 1 || headers.getAll("x-api-key").size() > 1) {
      return Optional.empty();
    }
    String apiKey = headers.get("x-api-key");
    String authorization = headers.get("Authorization");
    Optional<String> bearer = Optional.empty();
    if (authorization != null) {
      if (!authorization.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
        return Optional.empty();
      }
      bearer = Optional.of(authorization.substring(7).trim());
    }
    if (bearer.isPresent() && apiKey != null && !bearer.get().equals(apiKey.trim())) {
      return Optional.empty();
    }
    return bearer.or(() -> Optional.ofNullable(apiKey).map(String::trim)).filter(s -> !s.isEmpty());
  }
}
