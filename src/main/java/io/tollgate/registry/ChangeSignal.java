package io.tollgate.registry;

import java.time.Duration;

/**
 * The fast path of the change feed: wakes the {@link ChangeReceiver} as soon as another node commits a change, so
 * it need not wait for its next poll. A lost signal costs at most one poll interval, because the receiver catches
 * up by version after every wait, signalled or not. Used by one thread at a time.
 */
public interface ChangeSignal extends AutoCloseable {

  /**
   * Waits at most {@code timeout} for a change notice. Returns early, and true, on a notice, or when it had to
   * (re)connect first (notices sent while it was disconnected are lost, so the caller must catch up now).
   *
   * @throws RuntimeException when the store cannot be reached; the next call tries to connect again
   */
  boolean await(Duration timeout);

  /** Releases the connection, if any. Idempotent. */
  @Override
  void close();

  /** Never signals: every wait lasts its whole timeout (one node, whose own changes reach its view directly). */
  static ChangeSignal polling() {
    return new ChangeSignal() {
      private final Object monitor = new Object();

      @Override
      public boolean await(Duration timeout) {
        synchronized (monitor) {
          try {
            monitor.wait(Math.max(1, timeout.toMillis()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return false;
      }

      @Override
      public void close() {
        synchronized (monitor) {
          monitor.notifyAll();
        }
      }
    };
  }
}
