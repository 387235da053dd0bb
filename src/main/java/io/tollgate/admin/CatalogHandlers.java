package io.tollgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.config.Catalog;
import io.tollgate.config.InvalidConfigException;
import io.tollgate.metering.UsageSpill;
import io.tollgate.registry.Actor;
import io.tollgate.registry.LiveRegistry;
import io.tollgate.registry.NodeHealth;
import io.tollgate.registry.RegistryReload;
import io.tollgate.registry.RegistryStore;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The tier catalog, registry reload, the audit log and health. */
final class CatalogHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogHandlers.class);
  private final LiveRegistry live;
  private final RegistryReload reloads;
  private final RegistryStore store;
  private final Blocking blocking;
  private final Counter reloaded;
  private final Counter reloadRefused;
  private final BooleanSupplier draining;
  private final Supplier<UsageSpill.Status> spill;

  /**
   * @param catalogReader re-reads the configuration files; throws {@link InvalidConfigException} when invalid
   * @param meters where {@code tollgate_registry_reloads_total{result="reloaded"|"refused"}} is counted
   * @param draining whether the process is stopping: health answers {@code 503 draining} then
   * @param spill what waits in the usage spill file, shown by health
   * @param clock the time of a reload's audit entry
   */
  CatalogHandlers(LiveRegistry live, Supplier<Catalog> catalogReader, RegistryStore store, Blocking blocking,
      MeterRegistry meters, BooleanSupplier draining, Supplier<UsageSpill.Status> spill, InstantSource clock) {
    this.live = live;
    this.draining = draining;
    this.spill = spill;
    this.reloads = new RegistryReload(live, store, catalogReader, clock);
    this.store = store;
    this.blocking = blocking;
    this.reloaded = reloads(meters, "reloaded");
    this.reloadRefused = reloads(meters, "refused");
  }

  private static Counter reloads(MeterRegistry meters, String result) {
    return Counter.builder("tollgate.registry.reloads").description("Registry reloads by result")
        .tags("result", result).register(meters);
  }

  void tiers(RoutingContext ctx) {
    ObjectNode body = AdminJson.object();
    ArrayNode list = body.putArray("tiers");
    live.catalog().tiers().tiers().forEach(t -> list.add(CatalogDocuments.tier(t)));
    body.put("default_tier", live.catalog().defaultTier());
    AdminJson.send(ctx, 200, body);
  }

  /**
   * Re-reads tiers and routes from disk and the registry from the store; an invalid file changes nothing (422).
   * Either way the attempt is audited ({@link RegistryReload}).
   */
  void reload(RoutingContext ctx) {
    Actor actor = AdminAuth.actor(ctx);
    blocking.run(ctx, () -> tryReload(actor), (c, result) -> {
      switch (result) {
        case RegistryReload.Result.Reloaded(LiveRegistry.Counts n, var changes) -> AdminJson.send(c, 200,
            AdminJson.object().put("status", "reloaded").put("customers", n.customers()).put("keys", n.keys())
                .put("tiers", n.tiers()).put("routes", n.routes()));
        case RegistryReload.Result.Refused(String reason) ->
            Problem.of(422, "invalid_configuration", "Invalid configuration", reason).send(c);
      }
    });
  }

  private RegistryReload.Result tryReload(Actor actor) {
    RegistryReload.Result result = reloads.reload(actor);
    switch (result) {
      case RegistryReload.Result.Reloaded r -> {
        LOG.info("registry reloaded by {}: {}, changed: {}", actor, r.counts(), r.changes().keySet());
        reloaded.increment();
      }
      case RegistryReload.Result.Refused r -> {
        LOG.warn("registry reload by {} refused: {}", actor, r.reason());
        reloadRefused.increment();
      }
    }
    return result;
  }

  void audit(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx);
    int limit = q.limit();
    Optional<String> customer = q.text("customer_id");
    Optional<Long> before = q.cursor().flatMap(c -> {
      try {
        return Optional.of(Long.parseLong(c));
      } catch (NumberFormatException e) {
        q.error("cursor", "is not a cursor this API returned");
        return Optional.empty();
      }
    });
    if (q.refused()) {
      return;
    }
    blocking.run(ctx, () -> store.audit(new RegistryStore.AuditQuery(customer, before, limit + 1)), (c, entries) -> {
      ObjectNode body = AdminJson.object();
      ArrayNode list = body.putArray("entries");
      var shown = entries.subList(0, Math.min(limit, entries.size()));
      shown.forEach(e -> list.add(CatalogDocuments.audit(e)));
      body.put("next_cursor", entries.size() > limit
          ? Cursors.encode(Long.toString(shown.get(shown.size() - 1).id())) : null);
      AdminJson.send(c, 200, body);
    });
  }

  void health(RoutingContext ctx) {
    blocking.run(ctx, store::isHealthy, (c, healthy) -> {
      NodeHealth h = NodeHealth.of(healthy, live.freshness(), draining.getAsBoolean());
      ObjectNode body = AdminJson.object().put("status", h.status()).put("store", h.store())
          .put("registry", h.registry()).put("registry_age_ms", live.freshness().age().toMillis());
      UsageSpill.Status s = spill.get();
      body.put("metering", s.full() ? "spill_full" : s.batches() > 0 ? "spilled" : "ok")
          .put("spilled_batches", s.batches()).put("spilled_bytes", s.bytes());
      LiveRegistry.Counts n = live.counts();
      body.put("customers", n.customers()).put("keys", n.keys());
      AdminJson.send(c, h.httpStatus(), body);
    });
  }
}
