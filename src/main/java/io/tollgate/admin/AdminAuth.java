package io.tollgate.admin;

import io.tollgate.registry.Actor;
import io.tollgate.registry.AdminKeyring;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through only with an admin key, as {@code Authorization: Bearer} or {@code x-api-key}; both
 * present with different values, or any other credential, is a 401. Each 401 is logged (never with the key) and
 * takes one of the client address's tries ({@link LoginThrottle}); an address with none left gets a 429. The
 * request then carries its {@link Actor}: the admin key's id and the API ({@code via}) this instance guards.
 */
public final class AdminAuth {
  private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);
  private static final String ACTOR = "tollgate.adminKeyId";
  private final AdminKeyring keyring;
  private final LoginThrottle throttle;
  private final Actor.Via via;

  AdminAuth(AdminKeyring keyring, LoginThrottle throttle, Actor.Via via) {
    this.keyring = keyring;
    this.throttle = throttle;
    this.via = via;
  }

  /** The same keys and the same failed-login tries, for the routes of another API. */
  AdminAuth via(Actor.Via other) {
    return new AdminAuth(keyring, throttle, other);
  }

  void handle(RoutingContext ctx) {
    String address = Optional.ofNullable(ctx.request().remoteAddress()).map(SocketAddress::hostAddress)
        .orElse("unknown");
    Optional<Duration> wait = throttle.refusal(address);
    if (wait.isPresent()) {
      long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      Problem.of(429, "login_throttled", "Too many failed logins",
          "too many requests without a valid admin key came from this address; retry in " + seconds + " s")
          .send(ctx);
      return;
    }
    Optional<String> actor = credential(ctx).flatMap(keyring::authenticate);
    if (actor.isEmpty()) {
      throttle.failed(address);
      LOG.warn("admin login failed: {} {} from {} without a valid admin key", ctx.request().method(),
          ctx.request().path(), address);
      Problem.unauthorized().send(ctx);
      return;
    }
    ctx.put(ACTOR, new Actor(actor.get(), via));
    ctx.next();
  }

  /** Who made this request: its admin key's id and the API it came through; only behind an {@code AdminAuth}. */
  public static Actor actor(RoutingContext ctx) {
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
