package io.tollgate.registry;

/**
 * Carries {@link Change}s from the control plane to every in-memory view. In one process it calls the view
 * directly; with several nodes a transport (PostgreSQL NOTIFY, Redis) carries the same values.
 */
public interface ChangeFeed {
  /** Announces a committed change; returns once the local view has applied it. Thread-safe. */
  void publish(Change change);
}
