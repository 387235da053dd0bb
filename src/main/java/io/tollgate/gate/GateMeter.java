package io.tollgate.gate;

import io.tollgate.limits.Units;
import io.tollgate.metering.RefusalEvent;
import io.tollgate.metering.UsageEvent;
import io.tollgate.metering.UsageRecorder;
import io.tollgate.registry.KeyActivity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles each decision with the limiter and the usage recorder: an answered request is billed (its
 * reservation corrected to the units it cost), an engine error releases its reservation and is counted apart, a
 * refusal is counted by code when a customer can be named. Each reservation is settled once (see
 * {@link Reservation}). A failure to count a refusal never fails its request; a failure to record usage does (the
 * request is not billed). Thread-safe; never blocks.
 */
final class GateMeter {
  static final String ENGINE_ERROR = "engine_error";
  private static final Logger LOG = LoggerFactory.getLogger(GateMeter.class);

  private final Limiter ledger;
  private final UsageRecorder recorder;
  private final KeyActivity activity;
  private final AtomicLong refusalFailures = new AtomicLong();

  GateMeter(Limiter ledger, UsageRecorder recorder, KeyActivity activity) {
    this.ledger = ledger;
    this.recorder = recorder;
    this.activity = activity;
  }

  /**
   * Bills an answered request; the stage completes when the usage is durable (strict) or at once (batch), and fails
   * when the reservation was already settled (nothing is billed then). When recording throws, the reservation is
   * left open for the failure handler to undo.
   */
  CompletionStage<Void> billed(Decision.Allowed a, Units actual) {
    if (!a.reservation().isOpen()) {
      return CompletableFuture.failedStage(new IllegalStateException("the reservation was already settled"));
    }
    activity.used(a.entry().key().id(), a.at());
    CompletionStage<Void> recorded = recorder.record(usage(a, actual));
    if (a.reservation().settle()) {
      ledger.settle(Decider.account(a.entry().owner().customer()), a.entry().owner().limits(), a.request().units(),
          actual, a.at(), a.reservation().ticket(), false);
    }
    return recorded;
  }

  /** Releases the reservation of a request the engine did not serve, and counts it under {@code code}. */
  void released(Decision.Allowed a, String code) {
    if (a.reservation().settle()) {
      ledger.settle(Decider.account(a.entry().owner().customer()), a.entry().owner().limits(), a.request().units(),
          Units.ZERO, a.at(), a.reservation().ticket(), false);
    }
    activity.used(a.entry().key().id(), a.at());
    countRefusal(new RefusalEvent(customerId(a), a.entry().key().id(), code, a.at()));
  }

  /**
   * Un-bills a request that {@link #billed} billed with {@code cost} and whose engine then failed its answer (strict
   * mode, where the usage was durable before the answer went out): the usage is taken back, the quota gets the units
   * back, and the request is counted under {@code code} as a released one is.
   */
  void takenBack(Decision.Allowed a, Units cost, String code) {
    recorder.takeBack(usage(a, cost));
    refund(a, cost);
    countRefusal(new RefusalEvent(customerId(a), a.entry().key().id(), code, a.at()));
  }

  /**
   * A request {@link #billed} with {@code cost} whose usage was not recorded (the strict stage failed: the recorder
   * already took the usage back, or never counted it): the quota gets the units back when this request's billing
   * took them ({@code charged}), and the request is counted as {@code store_unavailable}, a failure of the gate that
   * counts against the SLA.
   */
  void notRecorded(Decision.Allowed a, Units cost, boolean charged) {
    if (charged) {
      refund(a, cost);
    }
    countRefusal(new RefusalEvent(customerId(a), a.entry().key().id(), Refusal.STORE_UNAVAILABLE.code(), a.at()));
  }

  /** Gives back {@code cost} units that {@link #billed} kept (the reservation is settled already). */
  private void refund(Decision.Allowed a, Units cost) {
    ledger.refund(Decider.account(a.entry().owner().customer()), a.entry().owner().limits(), cost, a.at());
  }

  private static UsageEvent usage(Decision.Allowed a, Units cost) {
    return new UsageEvent(customerId(a), a.entry().key().id(), a.request().operation(), cost, a.at());
  }

  /** Whether usage cannot be written now (the store refused the last batch). */
  boolean storeFailing() {
    return recorder.storeFailing();
  }

  /** Counts a refusal against its customer when the key named one (or, for a gate failure, made one accountable). */
  void refused(Decision.Refused r, java.time.Instant at) {
    r.entry().ifPresent(e -> activity.used(e.key().id(), at));
    if (r.reason().isCounted()) {
      r.countedAgainst().ifPresent(e -> countRefusal(new RefusalEvent(e.owner().customer().id(), e.key().id(),
          r.reason().code(), at)));
    }
  }

  /**
   * Counts an allowed request that failed on the gate's side with {@code 500 internal_error} and whose reservation
   * the failure handler undid (so it was neither billed nor counted before: never twice).
   */
  void failed(Decision.Allowed a) {
    countRefusal(new RefusalEvent(customerId(a), a.entry().key().id(), Refusal.INTERNAL_ERROR.code(), a.at()));
  }

  /**
   * Counts a refusal or engine error, never failing the request for it (as Caffeine's guarded stats counter): the
   * client gets its 403, 429 or 502 even when counting it fails. Logged, once per 1000 failures.
   */
  private void countRefusal(RefusalEvent event) {
    try {
      recorder.recordRefusal(event);
    } catch (RuntimeException e) {
      if (refusalFailures.getAndIncrement() % 1000 == 0) {
        LOG.warn("a refusal could not be counted ({} so far): {}", refusalFailures.get(), e.toString());
      }
    }
  }

  private static String customerId(Decision.Allowed a) {
    return a.entry().owner().customer().id();
  }
}
