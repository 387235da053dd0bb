package io.tollgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.webhooks.Delivery;
import io.tollgate.webhooks.Destinations;
import io.tollgate.webhooks.Endpoint;
import io.tollgate.webhooks.EventType;
import io.tollgate.webhooks.WebhookStore;
import io.tollgate.webhooks.WebhookStore.EndpointPatch;
import io.tollgate.webhooks.WebhookStore.NewEndpoint;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /admin/webhooks}: endpoints, their deliveries, a retry and a test event. */
final class WebhookHandlers {
  static final int URL_MAX = 2048;
  static final int DESCRIPTION_MAX = 500;
  /** The deliveries listed, newest first. */
  static final int DELIVERIES_LISTED = 100;

  private final WebhookStore store;
  private final Destinations destinations;
  private final Blocking blocking;
  private final InstantSource clock;

  WebhookHandlers(WebhookStore store, Destinations destinations, Blocking blocking, InstantSource clock) {
    this.store = store;
    this.destinations = destinations;
    this.blocking = blocking;
    this.clock = clock;
  }

  private java.time.Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  void create(RoutingContext ctx) {
    JsonInput.parse(ctx).ifPresent(in -> {
      in.onlyFields(Set.of("url", "events", "description"));
      Optional<String> url = url(in);
      if (url.isEmpty() && !in.has("url")) {
        in.error("url", "is required");
      }
      Optional<List<String>> events = events(in);
      if (events.isEmpty() && !in.has("events")) {
        in.error("events", "is required");
      }
      Optional<String> description = in.string("description", DESCRIPTION_MAX).filter(s -> !s.isEmpty());
      if (in.refused(ctx)) {
        return;
      }
      NewEndpoint cmd = new NewEndpoint(url.get(), events.get(), description);
      blocking.run(ctx, () -> store.create(cmd, AdminAuth.actor(ctx).id(), now()), (c, created) -> {
        ObjectNode body = endpoint(created.endpoint());
        body.put("secret", created.secret());
        AdminJson.send(c, 201, body);
      });
    });
  }

  private Optional<String> url(JsonInput in) {
    Optional<String> url = in.string("url", URL_MAX);
    url.flatMap(destinations::refusal).ifPresent(why -> in.error("url", why));
    return url;
  }

  /** At least one known event type, each once; {@code webhook.test} is sent to every endpoint anyway. */
  private static Optional<List<String>> events(JsonInput in) {
    Optional<List<String>> events = in.strings("events", EventType.values().length);
    events.ifPresent(list -> {
      if (list.isEmpty()) {
        in.error("events", "must name at least one event type");
      }
      for (String e : list) {
        if (EventType.fromWire(e).filter(t -> t != EventType.WEBHOOK_TEST).isEmpty()) {
          in.error("events", "unknown event type '" + e + "'");
        }
      }
    });
    return events.map(list -> list.stream().distinct().sorted().toList());
  }

  void list(RoutingContext ctx) {
    blocking.run(ctx, store::list, (c, all) -> {
      ObjectNode body = AdminJson.object();
      ArrayNode array = body.putArray("webhooks");
      all.forEach(e -> array.add(endpoint(e)));
      AdminJson.send(c, 200, body);
    });
  }

  void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking.run(ctx, () -> store.find(id), (c, found) -> answer(c, id, found));
  }

  private static void answer(RoutingContext c, String id, Optional<Endpoint> found) {
    found.ifPresentOrElse(e -> AdminJson.send(c, 200, endpoint(e)), () -> unknown(c, id));
  }

  private static void unknown(RoutingContext c, String id) {
    Problem.notFound("no webhook endpoint with id " + id).send(c);
  }

  void patch(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonInput.parse(ctx).ifPresent(in -> {
      in.onlyFields(Set.of("url", "events", "description", "enabled"));
      Optional<String> url = url(in);
      Optional<List<String>> events = events(in);
      Optional<Optional<String>> description = in.has("description")
          ? Optional.of(in.clearableString("description", DESCRIPTION_MAX).filter(s -> !s.isEmpty()))
          : Optional.empty();
      Optional<Boolean> enabled = in.bool("enabled");
      if (in.refused(ctx)) {
        return;
      }
      EndpointPatch patch = new EndpointPatch(url, events, description, enabled);
      blocking.run(ctx, () -> store.update(id, patch, AdminAuth.actor(ctx).id(), now()), (c, found) -> answer(c, id, found));
    });
  }

  void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking.run(ctx, () -> store.delete(id, AdminAuth.actor(ctx).id(), now()), (c, deleted) -> {
      if (deleted) {
        c.response().setStatusCode(204).end();
      } else {
        unknown(c, id);
      }
    });
  }

  void deliveries(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking.run(ctx, () -> store.find(id).map(e -> store.deliveries(id, DELIVERIES_LISTED)), (c, found) ->
        found.ifPresentOrElse(list -> {
          ObjectNode body = AdminJson.object();
          ArrayNode array = body.putArray("deliveries");
          list.forEach(d -> array.add(delivery(d)));
          AdminJson.send(c, 200, body);
        }, () -> unknown(c, id)));
  }

  void retry(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String deliveryId = ctx.pathParam("deliveryId");
    blocking.run(ctx, () -> store.retry(id, deliveryId, now()), (c, found) -> found.ifPresentOrElse(
        d -> AdminJson.send(c, 202, delivery(d)),
        () -> Problem.notFound("webhook endpoint " + id + " has no delivery " + deliveryId).send(c)));
  }

  void test(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking.run(ctx, () -> store.sendTest(id, now()), (c, found) -> found.ifPresentOrElse(
        d -> AdminJson.send(c, 202, delivery(d)), () -> unknown(c, id)));
  }

  static ObjectNode endpoint(Endpoint e) {
    ObjectNode n = AdminJson.object();
    n.put("id", e.id());
    n.put("url", e.url());
    ArrayNode events = n.putArray("events");
    e.events().forEach(events::add);
    n.put("description", e.description().orElse(null));
    n.put("enabled", e.enabled());
    n.put("created_at", e.createdAt().toString());
    n.put("disabled_reason", e.disabledReason().orElse(null));
    return n;
  }

  static ObjectNode delivery(Delivery d) {
    ObjectNode n = AdminJson.object();
    n.put("id", d.id());
    n.put("event_id", d.eventId());
    n.put("endpoint_id", d.endpointId());
    n.put("type", d.type());
    n.put("status", d.status().wireName());
    n.put("attempts", d.attempts());
    n.put("created_at", d.createdAt().toString());
    n.put("next_attempt_at", d.status() == Delivery.Status.PENDING ? d.nextAttemptAt().toString() : null);
    n.put("last_attempt_at", d.lastAttemptAt().map(Object::toString).orElse(null));
    if (d.lastStatus().isPresent()) {
      n.put("last_status", d.lastStatus().get());
    } else {
      n.putNull("last_status");
    }
    n.put("last_error", d.lastError().orElse(null));
    return n;
  }
}
