package io.tollgate.cli;

import io.tollgate.config.TollgateConfig;
import io.tollgate.gate.GateListener;
import io.tollgate.metering.BatchingUsageRecorder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timeouts of a stop ({@link Server#close()}) and its first step, the drain of the gate, run while the engine
 * connections, the metering recorder and the store are still open.
 */
public final class GracefulStop {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);
  /** How long a drain may overrun {@code gate.drain_timeout} (connections being closed) before the stop goes on. */
  private static final Duration DRAIN_SLACK = Duration.ofSeconds(5);
  /**
   * How long the periodic jobs' runs in progress may take to finish, and then closing the listeners and the engine
   * connections, once drained.
   */
  static final Duration LISTENERS_CLOSE = Duration.ofSeconds(10);
  /** How long the metering flush may overrun its own timeout while the store hangs in a call. */
  private static final Duration FLUSH_SLACK = Duration.ofSeconds(2);

  private GracefulStop() {}

  /**
   * The longest a stop takes when every step runs into its timeout: the drain, closing the listeners, and the
   * metering flush against a failing store. A supervisor's stop timeout (systemd's {@code TimeoutStopSec}, a
   * container's grace period) should be at least this.
   */
  public static Duration longestStop(TollgateConfig.Gate gate) {
    return gate.drainTimeout().plus(DRAIN_SLACK).plus(LISTENERS_CLOSE).plus(BatchingUsageRecorder.CLOSE_TIMEOUT)
        .plus(FLUSH_SLACK);
  }

  /** Drains {@code gate} for at most {@code timeout} and says in the log how it went. Blocking. */
  static void drain(GateListener gate, Duration timeout) {
    long started = System.nanoTime();
    LOG.info("draining the gate: no new connections; waiting up to {} s for the requests in flight",
        timeout.toSeconds());
    try {
      gate.drain(timeout).toCompletionStage().toCompletableFuture()
          .get(timeout.plus(DRAIN_SLACK).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("gate did not drain cleanly: {}", e.toString());
    }
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    if (tookMs >= timeout.toMillis()) {
      LOG.warn("gate drain timed out after {} ms: connections still busy were closed", tookMs);
    } else {
      LOG.info("gate drained in {} ms", tookMs);
    }
  }
}
