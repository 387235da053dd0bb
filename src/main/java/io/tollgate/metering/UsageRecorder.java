package io.tollgate.metering;

import java.util.concurrent.CompletionStage;

/**
 * Takes usage and refusals from the gate's event loops and makes them durable. Implementations never block the
 * caller and are thread-safe.
 */
public interface UsageRecorder extends AutoCloseable {

  /**
   * Counts a billed request. The stage completes once the usage is durable in the store (strict mode) or at once
   * (batch mode, where it becomes durable within the flush window).
   */
  CompletionStage<Void> record(UsageEvent event);

  /** Counts a refusal or an engine error; durable within the flush window. */
  void recordRefusal(RefusalEvent event);

  /**
   * Whether the store refused the last write and has taken none since: in strict mode a new request would wait
   * for the store, so the gate refuses it instead ({@code 503 store_unavailable}).
   */
  boolean storeFailing();

  /** Events counted in memory and not yet durable. */
  long backlog();

  /** Flushes everything pending (blocking, retrying while the store is down up to a bounded time) and stops. */
  @Override
  void close();
}
