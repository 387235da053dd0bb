package io.tollgate.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real store whose reads can be made to fail, as a store does that drops its connections: the next
 * {@link #failReadsOnce()} failing read of a customer, or every catch-up of the feed while {@link #feedDown} is set.
 * Writes always go through.
 */
final class FlakyRegistryStore implements RegistryStore {
  private final RegistryStore real;
  private final AtomicInteger failingReads = new AtomicInteger();
  final AtomicBoolean feedDown = new AtomicBoolean();

  FlakyRegistryStore(RegistryStore real) {
    this.real = real;
  }

  /** The next read of a customer fails, as if the store went away right after a commit. */
  void failReadsOnce() {
    failingReads.set(1);
  }

  private void maybeFail() {
    if (failingReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("store connection lost (test)");
    }
  }

  @Override
  public <T> T inTransaction(Function<RegistryTransaction, T> work) {
    return real.inTransaction(work);
  }

  @Override
  public Optional<Customer> findCustomer(String id) {
    maybeFail();
    return real.findCustomer(id);
  }

  @Override
  public List<Customer> listCustomers(CustomerQuery query) {
    return real.listCustomers(query);
  }

  @Override
  public List<CustomerKey> keysOf(String customerId) {
    return real.keysOf(customerId);
  }

  @Override
  public RegistrySnapshot loadAll() {
    return real.loadAll();
  }

  @Override
  public long loadInto(RegistryLoadSink sink) {
    return real.loadInto(sink);
  }

  @Override
  public FeedPage changesSince(long afterVersion, int limit) {
    if (feedDown.get()) {
      throw new IllegalStateException("store unreachable (test)");
    }
    return real.changesSince(afterVersion, limit);
  }

  @Override
  public void recordTiers(java.util.Collection<String> tiers) {
    real.recordTiers(tiers);
  }

  @Override
  public void announceReload(AuditEntry audit, java.util.Collection<String> tiers) {
    real.announceReload(audit, tiers);
  }

  @Override
  public io.tollgate.keys.KeyDigest recordSecretFingerprint(io.tollgate.keys.KeyDigest fingerprint, Instant at) {
    return real.recordSecretFingerprint(fingerprint, at);
  }

  @Override
  public int pruneChanges(Instant cutoff) {
    return real.pruneChanges(cutoff);
  }

  @Override
  public List<AdminKey> adminKeys() {
    return real.adminKeys();
  }

  @Override
  public List<AuditEntry> audit(AuditQuery query) {
    return real.audit(query);
  }

  @Override
  public void touchKeys(Map<String, Instant> lastUsed) {
    real.touchKeys(lastUsed);
  }

  @Override
  public boolean isHealthy() {
    return real.isHealthy();
  }

  @Override
  public void close() {
    real.close();
  }
}
