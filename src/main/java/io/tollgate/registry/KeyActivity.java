package io.tollgate.registry;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each key was last used, gathered in memory by the gate and written to the store now and then
 * ({@link #flush}), so a key's {@code last_used_at} is exact to the flush interval and costs no store call per
 * request. Thread-safe.
 */
public final class KeyActivity {
  private final RegistryStore store;
  private final ConcurrentHashMap<String, Instant> pending = new ConcurrentHashMap<>();

  public KeyActivity(RegistryStore store) {
    this.store = store;
  }

  /** Notes that {@code keyId} was used at {@code at}. Never blocks on I/O. */
  public void used(String keyId, Instant at) {
    pending.merge(keyId, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Writes what was gathered since the last flush. Blocking; on failure the times are kept for the next one. */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    Map<String, Instant> batch = new HashMap<>();
    for (String id : pending.keySet()) {
      Instant at = pending.remove(id);
      if (at != null) {
        batch.put(id, at);
      }
    }
    try {
      store.touchKeys(batch);
    } catch (RuntimeException e) {
      batch.forEach(this::used);
      throw e;
    }
  }
}
