package io.tollgate.gate;

/**
 * How {@code gate.engine_pool_size} connections to the engine are spread over the gate's event loops: one pool per
 * event loop, the total split as evenly as it goes (the first loops take the remainder), so that a request is
 * forwarded on a connection of its own event loop; with fewer connections than event loops, one pool that every
 * loop shares, so that the total still holds.
 *
 * @param total connections in all, at least 1
 * @param loops event loops, at least 1
 */
record EnginePools(int total, int loops) {
  EnginePools {
    if (total < 1 || loops < 1) {
      throw new IllegalArgumentException("total and loops must be at least 1: " + total + ", " + loops);
    }
  }

  static EnginePools of(int total, int loops) {
    return new EnginePools(total, loops);
  }

  /** Whether every event loop shares one pool of {@link #total} connections. */
  boolean shared() {
    return total < loops;
  }

  /** The connections of the pool of event loop {@code instance} (0-based); {@link #total} when shared. */
  int perClient(int instance) {
    if (shared()) {
      return total;
    }
    return total / loops + (instance % loops < total % loops ? 1 : 0);
  }
}
