package io.tollgate.gate;

import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyHasher;
import io.tollgate.limits.Account;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.RateLimiter;
import io.tollgate.limits.Units;
import io.tollgate.registry.Customer;
import io.tollgate.registry.CustomerKey;
import io.tollgate.registry.CustomerStatus;
import io.tollgate.registry.KeyStatus;
import io.tollgate.registry.RegistryView;
import io.tollgate.registry.RegistryView.KeyEntry;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The gate's one decision, shared by the proxy, {@code /v1/verify} and {@code /v1/authorize}: key, customer,
 * namespace, rate limit, quota, in the contract's order; the first refusal wins. The key, customer and namespace
 * come from memory; the limits from a {@link Limiter}, at once for the node's own counters, after one round trip
 * for shared ones. Never blocks. Thread-safe.
 */
final class Decider {
  private static final Duration STALE_RETRY = Duration.ofSeconds(1);
  private static final Duration LIMITS_RETRY = Duration.ofSeconds(1);
  private final Supplier<RegistryView> view;
  private final BooleanSupplier stale;
  private final ApiKeyFormat format;
  private final KeyHasher hasher;
  private final Limiter limiter;

  /** @param stale whether the view is too old to decide from ({@code registry.on_stale: refuse} and stale) */
  Decider(Supplier<RegistryView> view, BooleanSupplier stale, ApiKeyFormat format, KeyHasher hasher,
      Limiter limiter) {
    this.view = view;
    this.stale = stale;
    this.format = format;
    this.hasher = hasher;
    this.limiter = limiter;
  }

  /**
   * Decides, and tells {@code trace} the outcome and how long deciding took. On an exception nothing stays taken:
   * the rate token and the quota reservation of this request are given back before it propagates. The future
   * completes on the caller's context (at once when the limits are the node's own).
   */
  Future<Decision> decide(GateRequest r, Instant now, RequestTrace trace) {
    long started = System.nanoTime();
    Future<Decision> decided = decide(r, now);
    if (decided.succeeded()) {
      // decided at once (the node's own limits): no mapped future and listener per request
      try {
        return Future.succeededFuture(traced(decided.result(), r, started, trace));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    return decided.map(d -> traced(d, r, started, trace));
  }

  private Decision traced(Decision d, GateRequest r, long started, RequestTrace trace) {
    try {
      trace.decided(d, r, System.nanoTime() - started);
    } catch (RuntimeException e) {
      if (d instanceof Decision.Allowed a) {
        undo(a);
      }
      throw e;
    }
    return d;
  }

  /**
   * Gives back what an allowed request holds (its rate token and reserved units) when it failed before it was
   * billed or released; does nothing once its reservation is settled. True when this call settled it: the request
   * was neither billed nor counted, and its failure is still to be counted.
   */
  boolean undo(Decision.Allowed a) {
    if (!a.reservation().settle()) {
      return false;
    }
    limiter.settle(account(a.entry().owner().customer()), a.entry().owner().limits(), a.request().units(),
        Units.ZERO, a.at(), a.reservation().ticket(), true);
    return true;
  }

  /** The counters' owner: this creation of the customer (one created again after a purge starts afresh). */
  static Account account(Customer customer) {
    return new Account(customer.id(), customer.createdAt());
  }

  Future<Decision> decide(GateRequest r, Instant now) {
    if (stale.getAsBoolean()) {
      // answered as before, naming no one (the view is too old to answer from), but counted against the SLA of the
      // customer the stale view would have let through; only on this path, from memory, never a store call
      return Future.succeededFuture(new Decision.Refused(Refusal.REGISTRY_STALE, Optional.of(STALE_RETRY),
          Optional.empty(), false, Optional.empty(), Optional.empty(), admissible(r, now)));
    }
    Optional<KeyEntry> found = knownKey(r.credential(), now);
    if (found.isEmpty()) {
      boolean none = r.credential() instanceof Credential.None;
      return Future.succeededFuture(new Decision.Refused(Refusal.UNAUTHENTICATED, Optional.empty(),
          Optional.empty(), none, Optional.empty(), Optional.empty()));
    }
    KeyEntry entry = found.get();
    Customer customer = entry.owner().customer();
    if (customer.status() == CustomerStatus.SUSPENDED) {
      return Future.succeededFuture(refused(Refusal.CUSTOMER_SUSPENDED, entry));
    }
    if (!namespaceAllowed(customer, entry.key(), r.namespace())) {
      return Future.succeededFuture(refused(Refusal.NAMESPACE_DENIED, entry));
    }
    Future<Limiter.Admission> admitted = limiter.tryAdmit(account(customer), entry.owner().limits(), r.units(), now,
        r.dryRun());
    if (admitted.succeeded()) {
      try {
        return Future.succeededFuture(limited(entry, r, now, admitted.result()));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    return admitted
        .map(admission -> limited(entry, r, now, admission))
        .recover(e -> e instanceof Limiter.LimitsUnavailableException
            ? Future.succeededFuture(new Decision.Refused(Refusal.LIMITS_UNAVAILABLE, Optional.of(LIMITS_RETRY),
                Optional.of(entry), false, Optional.empty(), Optional.empty()))
            : Future.failedFuture(e));
  }

  /**
   * Strict metering's refusal before deciding, while the store is failing ({@code 503 store_unavailable}): named to
   * no one in the answer, but counted against the SLA of the customer whose key the view would have let through its
   * in-memory checks, as {@code registry_stale} is. From memory only: no rate token, no reservation, no store call.
   */
  Decision.Refused storeUnavailable(Optional<GateRequest> r, Instant now, Duration retryAfter) {
    return new Decision.Refused(Refusal.STORE_UNAVAILABLE, Optional.of(retryAfter), Optional.empty(), false,
        Optional.empty(), Optional.empty(), r.flatMap(request -> admissible(request, now)));
  }

  private static Decision limited(KeyEntry entry, GateRequest r, Instant now, Limiter.Admission admission) {
    RateLimiter.Verdict rv = admission.rate();
    if (!rv.allowed()) {
      return new Decision.Refused(Refusal.RATE_LIMITED, Optional.of(rv.retryAfter()), Optional.of(entry), false,
          Optional.of(rv), Optional.empty());
    }
    QuotaLedger.Verdict qv = admission.quota().orElseThrow();
    if (!qv.allowed()) {
      return new Decision.Refused(Refusal.QUOTA_EXCEEDED, Optional.of(qv.untilReset()), Optional.of(entry), false,
          Optional.of(rv), Optional.of(qv));
    }
    return new Decision.Allowed(entry, r, rv, qv, now, new Reservation(!r.dryRun(), admission.ticket()));
  }

  /**
   * The key when the view's checks before the limits would let the request pass: a known active key of an active
   * customer, in an allowed namespace (the rate limit and quota are not asked: that would take a token).
   */
  private Optional<KeyEntry> admissible(GateRequest r, Instant now) {
    return knownKey(r.credential(), now)
        .filter(e -> e.owner().customer().status() == CustomerStatus.ACTIVE)
        .filter(e -> namespaceAllowed(e.owner().customer(), e.key(), r.namespace()));
  }

  /** The key when it is well-formed, known, active and its customer not deactivated; one answer for every other case. */
  private Optional<KeyEntry> knownKey(Credential credential, Instant now) {
    if (!(credential instanceof Credential.Presented(String key)) || format.parseCustomerKey(key).isEmpty()) {
      return Optional.empty();
    }
    return view.get().findKey(hasher.digest(key))
        .filter(e -> e.key().statusAt(now) == KeyStatus.ACTIVE)
        .filter(e -> e.owner().customer().status() != CustomerStatus.DEACTIVATED);
  }

  private static boolean namespaceAllowed(Customer customer, CustomerKey key, String namespace) {
    return customer.namespaces().contains(namespace)
        && (key.namespaces().isEmpty() || key.namespaces().contains(namespace));
  }

  private static Decision.Refused refused(Refusal reason, KeyEntry entry) {
    return new Decision.Refused(reason, Optional.empty(), Optional.of(entry), false, Optional.empty(),
        Optional.empty());
  }
}
