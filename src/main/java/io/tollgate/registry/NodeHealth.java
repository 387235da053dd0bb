package io.tollgate.registry;

/**
 * What {@code GET /health} reports on both listeners: whether the store answers and whether the registry is
 * current. {@code unavailable} (503) when the store is down, or when the registry is stale and the gate refuses
 * to decide from it ({@code registry.on_stale: refuse}); {@code degraded} (200) when it is stale and the gate still
 * decides from it; {@code draining} (503) once the process is stopping; {@code ok} (200) otherwise.
 *
 * @param storeUp whether the store answered a trivial query
 * @param registryStale whether the registry missed its catch-ups for longer than {@code registry.max_staleness}
 * @param refusing whether the gate refuses requests because of that
 * @param draining whether the process is stopping (it takes no new connection)
 */
public record NodeHealth(boolean storeUp, boolean registryStale, boolean refusing, boolean draining) {

  /** The health now, given the result of the store check and whether the process is stopping. */
  public static NodeHealth of(boolean storeUp, FeedFreshness freshness, boolean draining) {
    return new NodeHealth(storeUp, freshness.isStale(), freshness.refusesDecisions(), draining);
  }

  /** {@code ok}, {@code degraded}, {@code unavailable} or {@code draining}. */
  public String status() {
    if (draining) {
      return "draining";
    }
    if (!storeUp || refusing) {
      return "unavailable";
    }
    return registryStale ? "degraded" : "ok";
  }

  public int httpStatus() {
    return status().equals("unavailable") || draining ? 503 : 200;
  }

  /** {@code ok} or {@code down}. */
  public String store() {
    return storeUp ? "ok" : "down";
  }

  /** {@code ok} or {@code stale}. */
  public String registry() {
    return registryStale ? "stale" : "ok";
  }
}
