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
import java.time.Instant;
import java.util.Optional;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The gate's one decision, shared by the proxy, {@code /v1/verify} and {@code /v1/authorize}: key, customer,
 * namespace, rate limit, quota, in the contract's order; the first refusal wins. Reads memory only. Thread-safe.
 */
final class Decider {
  private static final Duration STALE_RETRY = Duration.ofSeconds(1);
  private final Supplier<RegistryView> view;
  private final BooleanSupplier stale;
  private final ApiKeyFormat format;
  private final KeyHasher hasher;
  private final RateLimiter rate;
  private final QuotaLedger quota;

  /** @param stale whether the view is too old to decide from ({@code registry.on_stale: refuse} and stale) */
  Decider(Supplier<RegistryView> view, BooleanSupplier stale, ApiKeyFormat format, KeyHasher hasher, RateLimiter rate,
      QuotaLedger quota) {
    this.view = view;
    this.stale = stale;
    this.format = format;
    this.hasher = hasher;
    this.rate = rate;
    this.quota = quota;
  }

  /**
   * Decides, and tells {@code trace} the outcome and how long deciding took. On an exception nothing stays taken:
   * the rate token and the quota reservation of this request are given back before it propagates.
   */
  Decision decide(GateRequest r, Instant now, RequestTrace trace) {
    long started = System.nanoTime();
    Decision d = decide(r, now);
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
   * billed or released; does nothing once its reservation is settled.
   */
  void undo(Decision.Allowed a) {
    if (!a.reservation().settle()) {
      return;
    }
    Account account = account(a.entry().owner().customer());
    quota.settle(account, a.request().units(), Units.ZERO, a.at());
    rate.giveBack(account);
  }

  /** The counters' owner: this creation of the customer (one created again after a purge starts afresh). */
  static Account account(Customer customer) {
    return new Account(customer.id(), customer.createdAt());
  }

  Decision decide(GateRequest r, Instant now) {
    if (stale.getAsBoolean()) {
      return new Decision.Refused(Refusal.REGISTRY_STALE, Optional.of(STALE_RETRY), Optional.empty(), false,
          Optional.empty(), Optional.empty());
    }
    Optional<KeyEntry> found = knownKey(r.credential(), now);
    if (found.isEmpty()) {
      boolean none = r.credential() instanceof Credential.None;
      return new Decision.Refused(Refusal.UNAUTHENTICATED, Optional.empty(), Optional.empty(), none,
          Optional.empty(), Optional.empty());
    }
    KeyEntry entry = found.get();
    Customer customer = entry.owner().customer();
    if (customer.status() == CustomerStatus.SUSPENDED) {
      return refused(Refusal.CUSTOMER_SUSPENDED, entry, Optional.empty(), Optional.empty());
    }
    if (!namespaceAllowed(customer, entry.key(), r.namespace())) {
      return refused(Refusal.NAMESPACE_DENIED, entry, Optional.empty(), Optional.empty());
    }
    var limits = entry.owner().limits();
    Account account = account(customer);
    RateLimiter.Verdict rv = r.dryRun() ? rate.peek(account, limits.rateLimit())
        : rate.tryTake(account, limits.rateLimit());
    if (!rv.allowed()) {
      return new Decision.Refused(Refusal.RATE_LIMITED, Optional.of(rv.retryAfter()), Optional.of(entry), false,
          Optional.of(rv), Optional.empty());
    }
    QuotaLedger.Verdict qv;
    try {
      qv = r.dryRun() ? quota.peek(account, limits.quota(), r.units(), now)
          : quota.tryReserve(account, limits.quota(), r.units(), now);
    } catch (RuntimeException e) {
      if (!r.dryRun()) {
        rate.giveBack(account); // the request fails: it does not spend the rate
      }
      throw e;
    }
    if (!qv.allowed()) {
      if (!r.dryRun()) {
        rate.giveBack(account); // the request is not served: it does not spend the rate either
      }
      return new Decision.Refused(Refusal.QUOTA_EXCEEDED, Optional.of(qv.untilReset()), Optional.of(entry), false,
          Optional.of(rv), Optional.of(qv));
    }
    return new Decision.Allowed(entry, r, rv, qv, now, new Reservation(!r.dryRun()));
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

  private static Decision.Refused refused(Refusal reason, KeyEntry entry, Optional<RateLimiter.Verdict> rv,
      Optional<QuotaLedger.Verdict> qv) {
    return new Decision.Refused(reason, Optional.empty(), Optional.of(entry), false, rv, qv);
  }
}
