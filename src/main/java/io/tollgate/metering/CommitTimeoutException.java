package io.tollgate.metering;

import java.time.Duration;

/**
 * A strict-mode usage write that did not commit within {@code metering.strict_commit_timeout}: the usage was
 * taken back, so the request it belongs to is not billed and must not be answered from the engine.
 */
public final class CommitTimeoutException extends RuntimeException {
  public CommitTimeoutException(Duration bound) {
    super("usage not durable within " + bound.toMillis() + " ms; taken back", null, false, false);
  }
}
