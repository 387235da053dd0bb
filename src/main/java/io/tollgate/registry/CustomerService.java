package io.tollgate.registry;

import io.tollgate.config.Catalog;
import io.tollgate.config.Tier;
import io.tollgate.keys.RandomIds;
import io.tollgate.registry.ChangeRunner.Committed;
import io.tollgate.registry.Commands.CustomerPatch;
import io.tollgate.registry.Commands.NewCustomer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Customer changes: each is validated, written in one transaction with its audit entry, and visible to the gate's
 * view before the method returns. Blocking; thread-safe.
 */
public final class CustomerService {
  private static final int PAGE = 500;
  private final RegistryStore store;
  private final Supplier<Catalog> catalog;
  private final KeyIssuer issuer;
  private final InstantSource clock;
  private final ChangeRunner runner;

  /**
   * A new customer and its first key.
   *
   * @param details the customer
   * @param firstKey the first key with its secret
   */
  public record Created(CustomerDetails details, KeyIssuer.Issued firstKey) {}

  public CustomerService(RegistryStore store, ChangeFeed feed, Supplier<Catalog> catalog, KeyIssuer issuer,
      InstantSource clock) {
    this.store = store;
    this.catalog = catalog;
    this.issuer = issuer;
    this.clock = clock;
    this.runner = new ChangeRunner(store, feed);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  public Outcome<Created> create(Actor actor, NewCustomer cmd) {
    return runner.run(tx -> {
      Instant now = now();
      Catalog cat = catalog.get();
      String id = Rules.customerId(cmd.id().orElseGet(RandomIds::customerId));
      if (tx.lockCustomer(id).isPresent()) {
        throw new RefusedChange(Failure.CUSTOMER_EXISTS, "a customer with id " + id + " exists");
      }
      String tier = Rules.tier(cat.tiers(), cmd.tier().orElse(cat.defaultTier()));
      Customer customer = new Customer(id, cmd.name().filter(s -> !s.isEmpty()),
          cmd.email().filter(s -> !s.isEmpty()), tier, Rules.namespaces(cmd.namespaces().orElse(List.of("default"))),
          CustomerStatus.ACTIVE, cmd.metadata(), cmd.limits(), now, now, Optional.empty(), 1);
      validLimits(customer, cat);
      tx.insertCustomer(customer);
      tx.emit(RegistryEvents.customerCreated(customer, now));
      tx.appendAudit(new AuditEntry(0, now, actor, "customer.create", id, Optional.empty(),
          AuditChanges.ofCustomer(Optional.empty(), Optional.of(customer))));
      KeyIssuer.Issued first = KeyService.insertKey(tx, issuer, actor, customer, cmd.firstKey(), Optional.empty(), now);
      return new Committed<>(new Created(details(customer, List.of(first.key()), cat), first), id, 1);
    });
  }

  /** The customer with its limits and keys; empty when unknown. */
  public Optional<CustomerDetails> get(String id) {
    return store.findCustomer(id).map(c -> details(c, store.keysOf(id), catalog.get()));
  }

  /** A page of customers with their effective limits (no keys). */
  public List<CustomerDetails> list(RegistryStore.CustomerQuery query) {
    Catalog cat = catalog.get();
    return store.listCustomers(query).stream().map(c -> details(c, List.of(), cat)).toList();
  }

  /** Every stored customer with its effective limits (no keys), in id order, read page by page. */
  public List<CustomerDetails> all() {
    List<CustomerDetails> out = new ArrayList<>();
    Optional<String> after = Optional.empty();
    while (true) {
      List<CustomerDetails> page = list(new RegistryStore.CustomerQuery(Optional.empty(), Optional.empty(),
          Optional.empty(), after, PAGE));
      out.addAll(page);
      if (page.size() < PAGE) {
        return out;
      }
      after = Optional.of(page.get(page.size() - 1).customer().id());
    }
  }

  /**
   * The SLA target of a customer: its tier's {@code sla}, in percent.
   *
   * @throws IllegalArgumentException when the catalog does not have the customer's tier (as for its limits)
   */
  public BigDecimal slaTarget(Customer c) {
    return catalog.get().tiers().find(c.tier()).map(Tier::sla).orElseThrow(() -> new IllegalArgumentException(
        "customer " + c.id() + " is on tier " + c.tier() + ", which the catalog does not have"));
  }

  public Outcome<CustomerDetails> update(Actor actor, String id, CustomerPatch patch) {
    return change(actor, id, "customer.update", before -> {
      Catalog cat = catalog.get();
      CustomerStatus status = patch.active()
          .map(active -> active ? CustomerStatus.ACTIVE : CustomerStatus.SUSPENDED).orElse(before.status());
      Customer after = new Customer(id,
          patch.name().isPresent() ? patch.name().filter(s -> !s.isEmpty()) : before.name(),
          patch.email().isPresent() ? patch.email().filter(s -> !s.isEmpty()) : before.email(),
          patch.tier().map(t -> Rules.tier(cat.tiers(), t)).orElse(before.tier()),
          patch.namespaces().map(Rules::namespaces).orElse(before.namespaces()),
          status, patch.metadata().orElse(before.metadata()), patch.limits().orElse(before.overrides()),
          before.createdAt(), now(), Optional.empty(), before.version() + 1);
      validLimits(after, cat);
      return after;
    });
  }

  public Outcome<CustomerDetails> grantNamespace(Actor actor, String id, String namespace) {
    return change(actor, id, "customer.namespace.grant", before -> withNamespaces(before,
        add(before.namespaces(), Rules.namespace(namespace))));
  }

  public Outcome<CustomerDetails> withdrawNamespace(Actor actor, String id, String namespace) {
    return change(actor, id, "customer.namespace.withdraw", before -> {
      TreeSet<String> left = new TreeSet<>(before.namespaces());
      left.remove(Rules.namespace(namespace)); // a name no namespace can have is a mistake, not a no-op
      return withNamespaces(before, List.copyOf(left));
    });
  }

  /** Soft delete: every key stops at once; repeating it answers the deactivated customer again. */
  public Outcome<CustomerDetails> deactivate(Actor actor, String id) {
    return runner.run(tx -> {
      Customer before = tx.lockCustomer(id).orElseThrow(() -> RefusedChange.customerNotFound(id));
      if (before.status() == CustomerStatus.DEACTIVATED) {
        return new Committed<>(details(before, tx.keysOf(id), catalog.get()), id, before.version());
      }
      Instant now = now();
      Customer after = new Customer(id, before.name(), before.email(), before.tier(), before.namespaces(),
          CustomerStatus.DEACTIVATED, before.metadata(), before.overrides(), before.createdAt(), now,
          Optional.of(now), before.version() + 1);
      tx.updateCustomer(after);
      RegistryEvents.changed(before, after, now).forEach(tx::emit);
      tx.appendAudit(new AuditEntry(0, now, actor, "customer.deactivate", id, Optional.empty(),
          AuditChanges.ofCustomer(Optional.of(before), Optional.of(after))));
      return new Committed<>(details(after, tx.keysOf(id), catalog.get()), id, after.version());
    });
  }

  private Customer withNamespaces(Customer c, List<String> namespaces) {
    return new Customer(c.id(), c.name(), c.email(), c.tier(), namespaces, c.status(), c.metadata(), c.overrides(),
        c.createdAt(), now(), c.deactivatedAt(), c.version() + 1);
  }

  private static List<String> add(List<String> list, String item) {
    TreeSet<String> set = new TreeSet<>(list);
    set.add(item);
    return List.copyOf(set);
  }

  /** Locks a changeable customer, applies {@code edit}, and writes it with its audit entry when it changed. */
  private Outcome<CustomerDetails> change(Actor actor, String id, String action,
      java.util.function.Function<Customer, Customer> edit) {
    return runner.run(tx -> {
      Customer before = Rules.changeable(tx, id);
      Customer after = edit.apply(before);
      var changes = AuditChanges.ofCustomer(Optional.of(before), Optional.of(after));
      if (changes.isEmpty()) {
        return new Committed<>(details(before, tx.keysOf(id), catalog.get()), id, before.version());
      }
      tx.updateCustomer(after);
      RegistryEvents.changed(before, after, after.updatedAt()).forEach(tx::emit);
      tx.appendAudit(new AuditEntry(0, after.updatedAt(), actor, action, id, Optional.empty(), changes));
      return new Committed<>(details(after, tx.keysOf(id), catalog.get()), id, after.version());
    });
  }

  private static void validLimits(Customer c, Catalog cat) {
    try {
      EffectiveLimits.of(c, cat.tiers());
    } catch (IllegalArgumentException e) {
      throw new RefusedChange(Failure.INVALID_LIMITS, e.getMessage());
    }
  }

  private static CustomerDetails details(Customer c, List<CustomerKey> keys, Catalog cat) {
    return new CustomerDetails(c, EffectiveLimits.of(c, cat.tiers()), keys);
  }
}
