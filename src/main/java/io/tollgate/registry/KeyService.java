package io.tollgate.registry;

import io.tollgate.registry.ChangeRunner.Committed;
import io.tollgate.registry.Commands.NewKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Key changes: create, revoke, rotate. Each is one transaction with its audit entry, visible to the gate's view
 * before the method returns. A key's secret leaves this class only in the {@link KeyIssuer.Issued} of its
 * creation. Blocking; thread-safe.
 */
public final class KeyService {
  /** The longest grace period a rotation may give the old key. */
  public static final Duration MAX_GRACE = Duration.ofDays(7);

  private final RegistryStore store;
  private final KeyIssuer issuer;
  private final InstantSource clock;
  private final ChangeRunner runner;

  public KeyService(RegistryStore store, ChangeFeed feed, KeyIssuer issuer, InstantSource clock) {
    this.store = store;
    this.issuer = issuer;
    this.clock = clock;
    this.runner = new ChangeRunner(store, feed);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Every key of the customer; empty when the customer is unknown. */
  public Optional<List<CustomerKey>> list(String customerId) {
    return store.findCustomer(customerId).map(c -> store.keysOf(customerId));
  }

  /** One key, only through its own customer. */
  public Outcome<CustomerKey> get(String customerId, String keyId) {
    if (store.findCustomer(customerId).isEmpty()) {
      return Outcome.refused(Failure.CUSTOMER_NOT_FOUND, "no customer with id " + customerId);
    }
    return store.keysOf(customerId).stream().filter(k -> k.id().equals(keyId)).findFirst()
        .<Outcome<CustomerKey>>map(Outcome::done)
        .orElseGet(() -> Outcome.refused(Failure.KEY_NOT_FOUND, "customer " + customerId + " has no key " + keyId));
  }

  public Outcome<KeyIssuer.Issued> create(Actor actor, String customerId, NewKey cmd) {
    return runner.run(tx -> {
      Customer c = Rules.changeable(tx, customerId);
      Customer bumped = bump(tx, c);
      KeyIssuer.Issued issued = insertKey(tx, issuer, actor, c, cmd, Optional.empty(), bumped.updatedAt());
      return new Committed<>(issued, customerId, bumped.version());
    });
  }

  /** Revokes now; revoking a revoked key answers it unchanged. Works for a deactivated customer too. */
  public Outcome<CustomerKey> revoke(Actor actor, String customerId, String keyId) {
    return runner.run(tx -> {
      Customer c = tx.lockCustomer(customerId).orElseThrow(() -> RefusedChange.customerNotFound(customerId));
      CustomerKey before = keyOf(tx, customerId, keyId);
      Instant now = now();
      if (before.statusAt(now) == KeyStatus.REVOKED) {
        return new Committed<>(before, customerId, c.version());
      }
      CustomerKey after = before.withRevokedAt(now);
      tx.updateKey(after);
      Customer bumped = bump(tx, c);
      tx.emit(RegistryEvents.keyRevoked(after, now));
      tx.appendAudit(new AuditEntry(0, now, actor, "key.revoke", customerId, Optional.of(keyId),
          AuditChanges.ofKey(Optional.of(before), Optional.of(after))));
      return new Committed<>(after, customerId, bumped.version());
    });
  }

  /**
   * A new key with the old one's name, environment and scope; the old one is revoked now, or at the end of
   * {@code grace} (0 to 7 days).
   */
  public Outcome<KeyIssuer.Issued> rotate(Actor actor, String customerId, String keyId, Duration grace) {
    if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
      return Outcome.refused(Failure.INVALID_EXPIRY, "grace_period_s must be between 0 and 604800");
    }
    return runner.run(tx -> {
      Customer c = Rules.changeable(tx, customerId);
      CustomerKey old = keyOf(tx, customerId, keyId);
      Instant now = now();
      if (old.statusAt(now) != KeyStatus.ACTIVE) {
        throw new RefusedChange(Failure.KEY_NOT_ACTIVE, "key " + keyId + " is " + old.statusAt(now).wireName());
      }
      Instant revokeAt = now.plus(grace);
      if (old.revokedAt().isPresent() && old.revokedAt().get().isBefore(revokeAt)) {
        revokeAt = old.revokedAt().get();
      }
      CustomerKey retired = old.withRevokedAt(revokeAt);
      tx.updateKey(retired);
      if (!revokeAt.isAfter(now)) {
        tx.emit(RegistryEvents.keyRevoked(retired, now)); // a grace period's end is not an event (not watched)
      }
      tx.appendAudit(new AuditEntry(0, now, actor, "key.rotate.retire", customerId, Optional.of(keyId),
          AuditChanges.ofKey(Optional.of(old), Optional.of(retired))));
      // the replacement lives no longer than the key it replaces: an expiry is never dropped by a rotation
      NewKey same = new NewKey(old.name(), old.environment(), Optional.of(old.namespaces()), old.expiresAt());
      KeyIssuer.Issued issued = insertKey(tx, issuer, actor, c, same, Optional.of(keyId), now);
      Customer bumped = bump(tx, c);
      return new Committed<>(issued, customerId, bumped.version());
    });
  }

  private static CustomerKey keyOf(RegistryTransaction tx, String customerId, String keyId) {
    return tx.keysOf(customerId).stream().filter(k -> k.id().equals(keyId)).findFirst()
        .orElseThrow(() -> new RefusedChange(Failure.KEY_NOT_FOUND,
            "customer " + customerId + " has no key " + keyId));
  }

  /** A key change is a change of its customer for the view: bump the version so the view re-reads it. */
  private Customer bump(RegistryTransaction tx, Customer c) {
    Customer bumped = new Customer(c.id(), c.name(), c.email(), c.tier(), c.namespaces(), c.status(), c.metadata(),
        c.overrides(), c.createdAt(), now(), c.deactivatedAt(), c.version() + 1);
    tx.updateCustomer(bumped);
    return bumped;
  }

  static KeyIssuer.Issued insertKey(RegistryTransaction tx, KeyIssuer issuer, Actor actor, Customer owner,
      NewKey cmd, Optional<String> replaces, Instant now) {
    // a rotation copies the scope as it is: a namespace withdrawn since stays in it, unusable, never widened
    List<String> scope = replaces.isPresent()
        ? Rules.namespaces(cmd.namespaces().orElse(List.of()))
        : Rules.keyScope(owner, cmd.namespaces());
    KeyIssuer.Issued issued = issuer.issue(tx, owner.id(), cmd.name(), cmd.environment(), scope,
        Rules.expiry(cmd.expiresAt(), now), replaces, now);
    tx.insertKey(issued.key());
    tx.emit(RegistryEvents.keyCreated(issued.key(), now));
    tx.appendAudit(new AuditEntry(0, now, actor, replaces.isPresent() ? "key.rotate" : "key.create", owner.id(),
        Optional.of(issued.key().id()), AuditChanges.ofKey(Optional.empty(), Optional.of(issued.key()))));
    return issued;
  }
}
