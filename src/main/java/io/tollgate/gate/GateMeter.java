package io.tollgate.gate;

import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.Units;
import io.tollgate.metering.RefusalEvent;
import io.tollgate.metering.UsageEvent;
import io.tollgate.metering.UsageRecorder;
import io.tollgate.registry.KeyActivity;
import java.util.concurrent.CompletionStage;

/**
 * Settles each decision with the quota ledger and the usage recorder: an answered request is billed (its
 * reservation corrected to the units it cost), an engine error releases its reservation and is counted apart, a
 * refusal is counted by code when a customer can be named. Thread-safe; never blocks.
 */
final class GateMeter {
  static final String ENGINE_ERROR = "engine_error";

  private final QuotaLedger ledger;
  private final UsageRecorder recorder;
  private final KeyActivity activity;

  GateMeter(QuotaLedger ledger, UsageRecorder recorder, KeyActivity activity) {
    this.ledger = ledger;
    this.recorder = recorder;
    this.activity = activity;
  }

  /** Bills an answered request; the stage completes when the usage is durable (strict) or at once (batch). */
  CompletionStage<Void> billed(Decision.Allowed a, Units actual) {
    activity.used(a.entry().key().id(), a.at());
    ledger.settle(Decider.account(a.entry().owner().customer()), a.request().units(), actual, a.at());
    return recorder.record(new UsageEvent(customerId(a), a.entry().key().id(), a.request().operation(), actual,
        a.at()));
  }

  /** Releases the reservation of a request the engine did not serve, and counts it under {@code code}. */
  void released(Decision.Allowed a, String code) {
    activity.used(a.entry().key().id(), a.at());
    ledger.settle(Decider.account(a.entry().owner().customer()), a.request().units(), Units.ZERO, a.at());
    recorder.recordRefusal(new RefusalEvent(customerId(a), a.entry().key().id(), code, a.at()));
  }

  /** Counts a refusal against its customer when the key named one. */
  void refused(Decision.Refused r, java.time.Instant at) {
    r.entry().ifPresent(e -> activity.used(e.key().id(), at));
    if (r.reason().isCounted()) {
      r.entry().ifPresent(e -> recorder.recordRefusal(new RefusalEvent(e.owner().customer().id(), e.key().id(),
          r.reason().code(), at)));
    }
  }

  private static String customerId(Decision.Allowed a) {
    return a.entry().owner().customer().id();
  }
}
