package io.tollgate.gate;

/**
 * Told of every gate request once it is over: metrics and the access log. Called on the event loop that served the
 * request, so an implementation must return at once and never block.
 */
@FunctionalInterface
public interface GateObserver {
  /** Ignores everything. */
  GateObserver NONE = outcome -> { };

  void completed(GateOutcome outcome);

  /** This observer, then {@code next}. */
  default GateObserver andThen(GateObserver next) {
    return outcome -> {
      completed(outcome);
      next.completed(outcome);
    };
  }
}
