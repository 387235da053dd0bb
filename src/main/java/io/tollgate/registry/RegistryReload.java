package io.tollgate.registry;

import io.tollgate.config.Catalog;
import io.tollgate.config.InvalidConfigException;
import io.tollgate.registry.AuditEntry.FieldChange;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A reload asked for by an admin ({@code POST /admin/registry/reload}): re-reads the catalog, swaps it and a new
 * view in, and audits the attempt either way. A reload that took effect is {@value #RELOADED} (its changes list what
 * moved in the catalog, written in the same transaction as the reload's feed entry); one that was refused is
 * {@value #REFUSED} with the reason, which names a setting and a line but never holds source text or a secret.
 * Reloads are serialized. Blocking.
 */
public final class RegistryReload {
  public static final String RELOADED = "registry.reload";
  public static final String REFUSED = "registry.reload.refused";

  private final LiveRegistry live;
  private final RegistryStore store;
  private final Supplier<Catalog> catalogReader;
  private final InstantSource clock;

  /**
   * @param catalogReader re-reads the configuration files; throws {@link InvalidConfigException} when invalid
   */
  public RegistryReload(LiveRegistry live, RegistryStore store, Supplier<Catalog> catalogReader,
      InstantSource clock) {
    this.live = live;
    this.store = store;
    this.catalogReader = catalogReader;
    this.clock = clock;
  }

  /** What a reload did. */
  public sealed interface Result {
    /** Swapped in; {@code changes} as in the audit entry. */
    record Reloaded(LiveRegistry.Counts counts, Map<String, FieldChange> changes) implements Result {}

    /** Nothing changed; {@code reason} names the setting and line. */
    record Refused(String reason) implements Result {}
  }

  /** Reloads on behalf of {@code actor} (an admin key and the API it used) and audits the attempt. */
  public synchronized Result reload(Actor actor) {
    Catalog before = live.catalog();
    try {
      Catalog after = catalogReader.get();
      Map<String, FieldChange> changes = AuditChanges.ofCatalog(before, after);
      LiveRegistry.Counts counts = live.reload(after, entry(actor, RELOADED, changes));
      return new Result.Reloaded(counts, changes);
    } catch (InvalidConfigException | IllegalArgumentException e) {
      String reason = e.getMessage();
      AuditEntry refused = entry(actor, REFUSED, Map.of("reason", new FieldChange(null, reason)));
      store.inTransaction(tx -> {
        tx.appendAudit(refused);
        return null;
      });
      return new Result.Refused(reason);
    }
  }

  private AuditEntry entry(Actor actor, String action, Map<String, FieldChange> changes) {
    return new AuditEntry(0, clock.instant().truncatedTo(ChronoUnit.MILLIS), actor, action, AuditEntry.NO_CUSTOMER,
        Optional.empty(), changes);
  }
}
