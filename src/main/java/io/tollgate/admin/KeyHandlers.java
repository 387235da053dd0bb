package io.tollgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.registry.Commands.NewKey;
import io.tollgate.registry.Failure;
import io.tollgate.registry.KeyService;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;

/** {@code /admin/customers/{id}/keys} and one key: create, list, get, revoke, rotate. */
final class KeyHandlers {
  private final KeyService keys;
  private final Blocking blocking;
  private final InstantSource clock;

  KeyHandlers(KeyService keys, Blocking blocking, InstantSource clock) {
    this.keys = keys;
    this.blocking = blocking;
    this.clock = clock;
  }

  void create(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonInput.parse(ctx).ifPresent(in -> {
      NewKey cmd = CommandReader.newKey(in);
      if (in.refused(ctx)) {
        return;
      }
      blocking.change(ctx, () -> keys.create(AdminAuth.actor(ctx), id, cmd), 201,
          issued -> RegistryDocuments.issued(issued, clock.instant()));
    });
  }

  void list(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking.run(ctx, () -> keys.list(id), (c, found) -> found.ifPresentOrElse(list -> {
      ObjectNode body = AdminJson.object();
      ArrayNode array = body.putArray("keys");
      list.forEach(k -> array.add(RegistryDocuments.key(k, clock.instant())));
      AdminJson.send(c, 200, body);
    }, () -> Problem.of(Failure.CUSTOMER_NOT_FOUND, "no customer with id " + id).send(c)));
  }

  void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String keyId = ctx.pathParam("keyId");
    blocking.change(ctx, () -> keys.get(id, keyId), 200, k -> RegistryDocuments.key(k, clock.instant()));
  }

  void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String keyId = ctx.pathParam("keyId");
    blocking.change(ctx, () -> keys.revoke(AdminAuth.actor(ctx), id, keyId), 200,
        k -> RegistryDocuments.key(k, clock.instant()));
  }

  void rotate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String keyId = ctx.pathParam("keyId");
    JsonInput.parse(ctx).ifPresent(in -> {
      in.onlyFields(Set.of("grace_period_s"));
      long grace = in.integer("grace_period_s", 0, KeyService.MAX_GRACE.toSeconds()).orElse(0L);
      if (in.refused(ctx)) {
        return;
      }
      blocking.change(ctx, () -> keys.rotate(AdminAuth.actor(ctx), id, keyId, Duration.ofSeconds(grace)), 201,
          issued -> RegistryDocuments.issued(issued, clock.instant()));
    });
  }
}
