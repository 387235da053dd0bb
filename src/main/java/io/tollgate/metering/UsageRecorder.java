package io.tollgate.metering;

import java.util.concurrent.CompletionStage;

/**
 * Takes usage and refusals from the gate's event loops and makes them durable. Implementations never block the
 * caller and are thread-safe.
 */
public interface UsageRecorder extends AutoCloseable {

  /**
   * Counts a billed request. The stage completes once the usage is durable in the store (strict mode) or at once
   * (batch mode, where it becomes durable within the flush window). In strict mode, when the usage is not known to
   * be durable within the recorder's commit bound, the stage fails with {@link CommitTimeoutException}; whenever the
   * stage fails (that bound, or a close that gave up on it), the usage has been taken back ({@link #takeBack}): the
   * request must then not be answered, and is never billed.
   */
  CompletionStage<Void> record(UsageEvent event);

  /**
   * Un-bills a request whose usage {@link #record} counted: the same event (same customer, key, operation, units and
   * instant) is subtracted, in a later batch than the one holding it or in the same one, so usage documents, the
   * daily view and the billing export all stop counting it. Durable within the flush window (at once in strict
   * mode, where work is flushed as it arrives); never waits. Taken also while {@link #close} is writing what is
   * left, so that it cancels usage counted before the close.
   */
  void takeBack(UsageEvent event);

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
