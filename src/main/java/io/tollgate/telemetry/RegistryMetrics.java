package io.tollgate.telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.registry.LiveRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane's gauges: {@code tollgate_registry_customers}, {@code tollgate_registry_keys} (what the gate
 * decides from), {@code tollgate_registry_stale} (1 when it missed the change feed for longer than
 * {@code registry.max_staleness}), {@code tollgate_registry_age_seconds} (since its last catch-up with the feed)
 * and {@code tollgate_store_up} (1 when the last health check of the store passed, else 0). Reloads
 * are counted by the Admin API as {@code tollgate_registry_reloads_total{result}}.
 */
public final class RegistryMetrics {
  private final AtomicInteger storeUp = new AtomicInteger(1);

  public RegistryMetrics(MeterRegistry registry, LiveRegistry live) {
    Gauge.builder("tollgate.registry.customers", live, l -> l.counts().customers())
        .description("Customers in the gate's in-memory registry").register(registry);
    Gauge.builder("tollgate.registry.keys", live, l -> l.counts().keys())
        .description("Keys in the gate's in-memory registry").register(registry);
    Gauge.builder("tollgate.registry.stale", live, l -> l.freshness().isStale() ? 1 : 0)
        .description("1 when the registry missed the change feed for longer than registry.max_staleness")
        .register(registry);
    Gauge.builder("tollgate.registry.age", live, l -> l.freshness().age().toNanos() / 1e9)
        .description("Seconds since the registry last caught up with the store's change feed")
        .baseUnit("seconds").register(registry);
    Gauge.builder("tollgate.store.up", storeUp, AtomicInteger::get)
        .description("1 when the last store health check passed, 0 when it failed").register(registry);
  }

  /** The result of a store health check (run off the event loop every few seconds). */
  public void storeChecked(boolean healthy) {
    storeUp.set(healthy ? 1 : 0);
  }
}
