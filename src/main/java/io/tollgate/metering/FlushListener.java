package io.tollgate.metering;

/**
 * Told of every batch the usage flusher applies or fails to apply: for metrics. Called on the flusher thread; must
 * return at once.
 */
public interface FlushListener {
  /** Ignores everything. */
  FlushListener NONE = new FlushListener() {
    @Override
    public void applied(long events, long nanos) {}

    @Override
    public void failed(long nanos) {}
  };

  /** A batch of {@code events} was applied (or found applied before) in {@code nanos}. */
  void applied(long events, long nanos);

  /** An attempt to apply a batch failed after {@code nanos}; it will be retried. */
  void failed(long nanos);
}
