package io.tollgate.gate;

import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimiter;
import io.tollgate.registry.RegistryView.KeyEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The outcome of the gate's checks for one request. */
sealed interface Decision {

  /**
   * Every check passed; {@code units} are reserved against the quota (unless it was a dry run).
   *
   * @param entry the key and its customer
   * @param request the request decided
   * @param rate the rate limit after taking a token
   * @param quota the quota after reserving
   * @param at when it was decided: the request is billed in this instant's period
   * @param reservation settled once: billed, released, or undone after a failure
   */
  record Allowed(KeyEntry entry, GateRequest request, RateLimiter.Verdict rate, QuotaLedger.Verdict quota,
      Instant at, Reservation reservation) implements Decision {}

  /**
   * A check failed.
   *
   * @param reason which, with its status and code
   * @param retryAfter when to retry (429s)
   * @param entry the key and customer, when the key was known and valid
   * @param noCredential the request presented no key at all (401 without an error code)
   * @param rate the rate limit state when it was checked
   * @param quota the quota state when it was checked
   * @param accountable whose SLA a failure of the gate counts against when the answer names no one
   *     ({@code registry_stale}, strict mode's up-front {@code store_unavailable}: the key's owner in the view, see
   *     {@link Decider}); empty otherwise
   */
  record Refused(Refusal reason, Optional<Duration> retryAfter, Optional<KeyEntry> entry, boolean noCredential,
      Optional<RateLimiter.Verdict> rate, Optional<QuotaLedger.Verdict> quota, Optional<KeyEntry> accountable)
      implements Decision {

    Refused(Refusal reason, Optional<Duration> retryAfter, Optional<KeyEntry> entry, boolean noCredential,
        Optional<RateLimiter.Verdict> rate, Optional<QuotaLedger.Verdict> quota) {
      this(reason, retryAfter, entry, noCredential, rate, quota, Optional.empty());
    }

    /** The customer this refusal counts against: the one the answer names, or else the accountable one. */
    Optional<KeyEntry> countedAgainst() {
      return entry.isPresent() ? entry : accountable;
    }

    static Refused of(Refusal reason) {
      return new Refused(reason, Optional.empty(), Optional.empty(), false, Optional.empty(), Optional.empty());
    }
  }
}
