package io.tollgate.registry;

import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyHasher;
import io.tollgate.keys.RandomIds;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin keys this server accepts: those from configuration or {@code TOLLGATE_ADMIN_KEY}, and the one it
 * generated on its first start when none was configured (only its digest is stored). Immutable; thread-safe.
 */
public final class AdminKeyring {
  /** The audit action of the admin key generated at the first start; its actor is {@value AuditEntry#SYSTEM}. */
  public static final String ADMIN_KEY_CREATED = "admin_key.create";
  private final KeyHasher hasher;
  private final Map<KeyDigest, String> idsByDigest;

  private AdminKeyring(KeyHasher hasher, Map<KeyDigest, String> idsByDigest) {
    this.hasher = hasher;
    this.idsByDigest = Map.copyOf(idsByDigest);
  }

  /**
   * The keyring and, on the very first start without a configured admin key, the key generated now (to print
   * once; it is never available again).
   *
   * @param keyring the keys accepted
   * @param generated the new key's text when one was generated now
   */
  public record Bootstrap(AdminKeyring keyring, Optional<String> generated) {
    @Override
    public String toString() {
      return "Bootstrap[generated=" + generated.isPresent() + "]";
    }
  }

  /**
   * Builds the keyring; generates and stores the first admin key when none is configured or stored, with an audit
   * entry ({@value #ADMIN_KEY_CREATED} by {@value AuditEntry#SYSTEM}, naming the key's id, never the key) in the same
   * transaction. Blocking.
   */
  public static Bootstrap bootstrap(RegistryStore store, KeyHasher hasher, ApiKeyFormat format,
      List<String> configured, InstantSource clock) {
    Map<KeyDigest, String> ids = new HashMap<>();
    for (String key : configured) {
      KeyDigest d = hasher.digest(key);
      ids.put(d, "adm_cfg_" + d.toHex().substring(0, 10));
    }
    for (AdminKey stored : store.adminKeys()) {
      ids.put(stored.digest(), stored.id());
    }
    if (!ids.isEmpty()) {
      return new Bootstrap(new AdminKeyring(hasher, ids), Optional.empty());
    }
    String secret = format.newAdminKey();
    AdminKey key = new AdminKey(RandomIds.adminKeyId(), hasher.digest(secret),
        clock.instant().truncatedTo(ChronoUnit.MILLIS));
    store.inTransaction(tx -> {
      tx.insertAdminKey(key);
      tx.appendAudit(new AuditEntry(0, key.createdAt(), Actor.SYSTEM, ADMIN_KEY_CREATED, AuditEntry.NO_CUSTOMER,
          Optional.of(key.id()), Map.of("admin_key_id", new AuditEntry.FieldChange(null, key.id()))));
      return key;
    });
    ids.put(key.digest(), key.id());
    return new Bootstrap(new AdminKeyring(hasher, ids), Optional.of(secret));
  }

  /** The id of the admin key {@code presented} is, or empty when it is none. */
  public Optional<String> authenticate(String presented) {
    if (presented == null || presented.isEmpty() || presented.length() > 512) {
      return Optional.empty();
    }
    return Optional.ofNullable(idsByDigest.get(hasher.digest(presented)));
  }
}
