package io.tollgate.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tollgate.config.TollgateConfig;
import io.tollgate.gate.GateObserver;
import io.tollgate.gate.GateOutcome;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gate's meters, fed one {@link GateOutcome} per request (health checks excluded):
 *
 * <ul>
 *   <li>{@code tollgate_gate_requests_total{mode, operation, outcome}}: outcome {@code allowed}, a refusal's code, or
 *       {@code engine_error}; operation {@code none} when no route matched
 *   <li>{@code tollgate_gate_limit_refusals_total{limit}}: {@code rate} and {@code quota}
 *   <li>{@code tollgate_gate_units_billed_total{operation}}
 *   <li>{@code tollgate_gate_engine_units_rejected_total}: answers whose {@code X-Tollgate-Units} was malformed or
 *       over {@code gate.max_units_per_request} (the route's units were billed)
 *   <li>{@code tollgate_gate_decision_seconds} and {@code tollgate_gate_engine_seconds{operation}}: histograms
 *   <li>with {@code metrics.per_customer}: {@code tollgate_customer_requests_total{customer, outcome}} and
 *       {@code tollgate_customer_units_billed_total{customer}}, for at most {@code per_customer_limit} customers;
 *       the rest are counted as {@code customer="_other"}
 * </ul>
 *
 * Meters are created on first use and then found by map lookups on existing strings: no allocation per request.
 * Labels hold ids and codes only, never a key.
 */
public final class GateMetrics implements GateObserver {
  /** The customer label of customers beyond the per-customer limit. */
  public static final String OTHER_CUSTOMERS = "_other";
  private static final String NONE = "none";
  private static final Duration[] DECISION_BUCKETS = buckets(5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
      1_000_000, 5_000_000, 25_000_000);
  private static final Duration[] ENGINE_BUCKETS = buckets(1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000,
      50_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000L, 5_000_000_000L,
      10_000_000_000L, 30_000_000_000L, 60_000_000_000L);

  private final MeterRegistry registry;
  private final TollgateConfig.Metrics config;
  private final Timer decision;
  private final Counter rateRefusals;
  private final Counter quotaRefusals;
  private final Counter engineUnitsRejected;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>>> requests =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> units = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> engine = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CustomerMeters> customers = new ConcurrentHashMap<>();
  private final AtomicInteger labelled = new AtomicInteger();
  private volatile CustomerMeters others;

  public GateMetrics(MeterRegistry registry, TollgateConfig.Metrics config) {
    this.registry = registry;
    this.config = config;
    this.decision = Timer.builder("tollgate.gate.decision")
        .description("Time to decide a request: key, customer, namespace, rate limit and quota")
        .serviceLevelObjectives(DECISION_BUCKETS).register(registry);
    this.rateRefusals = limitRefusals("rate");
    this.quotaRefusals = limitRefusals("quota");
    this.engineUnitsRejected = Counter.builder("tollgate.gate.engine.units.rejected")
        .description("Engine answers whose X-Tollgate-Units was malformed or too large; the route's units were billed")
        .register(registry);
  }

  @Override
  public void completed(GateOutcome o) {
    if ("health".equals(o.mode())) {
      return;
    }
    String operation = o.operation().orElse(NONE);
    String outcome = o.outcome();
    requestCounter(o.mode(), operation, outcome).increment();
    if (o.decisionNanos().isPresent()) {
      decision.record(o.decisionNanos().get(), TimeUnit.NANOSECONDS);
    }
    if (o.engineNanos().isPresent()) {
      Timer t = engine.get(operation);
      if (t == null) {
        t = engine.computeIfAbsent(operation, op -> Timer.builder("tollgate.gate.engine")
            .description("Time from forwarding a request to the engine's answer head")
            .tags("operation", op).serviceLevelObjectives(ENGINE_BUCKETS).register(registry));
      }
      t.record(o.engineNanos().get(), TimeUnit.NANOSECONDS);
    }
    if ("rate_limited".equals(outcome)) {
      rateRefusals.increment();
    } else if ("quota_exceeded".equals(outcome)) {
      quotaRefusals.increment();
    }
    if (o.engineUnitsRejected()) {
      engineUnitsRejected.increment();
    }
    if (o.unitsMilli() > 0) {
      Counter c = units.get(operation);
      if (c == null) {
        c = units.computeIfAbsent(operation, op -> Counter.builder("tollgate.gate.units.billed")
            .description("Units billed, by operation").tags("operation", op).register(registry));
      }
      c.increment(o.unitsMilli() / 1000.0);
    }
    if (config.perCustomer() && o.customer().isPresent()) {
      customerMeters(o.customer().get()).count(outcome, o.unitsMilli());
    }
  }

  /** Found with plain reads once it exists; created (and registered) on first use. */
  private Counter requestCounter(String mode, String operation, String outcome) {
    var byOperation = requests.get(mode);
    var byOutcome = byOperation == null ? null : byOperation.get(operation);
    Counter c = byOutcome == null ? null : byOutcome.get(outcome);
    if (c != null) {
      return c;
    }
    return requests.computeIfAbsent(mode, m -> new ConcurrentHashMap<>())
        .computeIfAbsent(operation, op -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, out -> Counter.builder("tollgate.gate.requests")
            .description("Gate requests by mode, operation and outcome (allowed, a refusal's code, engine_error)")
            .tags("mode", mode, "operation", operation, "outcome", out).register(registry));
  }

  /** The customer's own meters while fewer than the limit are labelled, else the shared {@code _other} ones. */
  private CustomerMeters customerMeters(String customer) {
    CustomerMeters m = customers.get(customer);
    if (m != null) {
      return m;
    }
    if (labelled.get() < config.perCustomerLimit()) {
      // a slot is taken inside the atomic computeIfAbsent, so concurrent new customers never exceed the limit
      m = customers.computeIfAbsent(customer,
          id -> labelled.incrementAndGet() <= config.perCustomerLimit() ? new CustomerMeters(id) : null);
    }
    return m != null ? m : otherCustomers();
  }

  private CustomerMeters otherCustomers() {
    CustomerMeters o = others;
    if (o == null) {
      synchronized (this) {
        if (others == null) {
          others = new CustomerMeters(OTHER_CUSTOMERS);
        }
        o = others;
      }
    }
    return o;
  }

  private Counter limitRefusals(String limit) {
    return Counter.builder("tollgate.gate.limit.refusals").description("Requests refused by a rate limit or a quota")
        .tags("limit", limit).register(registry);
  }

  private static Duration[] buckets(long... nanos) {
    Duration[] out = new Duration[nanos.length];
    for (int i = 0; i < nanos.length; i++) {
      out[i] = Duration.ofNanos(nanos[i]);
    }
    return out;
  }

  /** One customer's meters (or those of every customer beyond the limit). */
  private final class CustomerMeters {
    private final String customer;
    private final Counter units;
    private final ConcurrentHashMap<String, Counter> byOutcome = new ConcurrentHashMap<>();

    CustomerMeters(String customer) {
      this.customer = customer;
      this.units = Counter.builder("tollgate.customer.units.billed").description("Units billed, by customer")
          .tags("customer", customer).register(registry);
    }

    void count(String outcome, long unitsMilli) {
      Counter c = byOutcome.get(outcome);
      if (c == null) {
        c = byOutcome.computeIfAbsent(outcome, out -> Counter.builder("tollgate.customer.requests")
            .description("Gate requests by customer and outcome").tags("customer", customer, "outcome", out)
            .register(registry));
      }
      c.increment();
      if (unitsMilli > 0) {
        units.increment(unitsMilli / 1000.0);
      }
    }
  }
}
