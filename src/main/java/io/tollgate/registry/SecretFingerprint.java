package io.tollgate.registry;

import io.tollgate.config.InvalidConfigException;
import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyHasher;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the store to one server secret. The first start records the secret's {@link KeyHasher#fingerprint} (so does
 * the first start of a store from before the fingerprint existed: it adopts the secret it is started with); each
 * later start, on any node, compares its own and refuses to start on a mismatch. Without it a changed or lost
 * secret, or another secret on a second node, would answer every key 401 while {@code /health} says ok.
 */
public final class SecretFingerprint {
  private static final Logger LOG = LoggerFactory.getLogger(SecretFingerprint.class);
  static final String MISMATCH = "keys.hmac_secret: the server secret is not the one this store's keys were hashed"
      + " with (its fingerprint in the store differs), so keys hashed under the old secret cannot be verified and"
      + " every API key and the generated admin key would get 401. Restore keys.hmac_secret (TOLLGATE_HMAC_SECRET)"
      + " or <data_dir>/hmac.key to the secret the store was created with (on several nodes: the same secret on"
      + " every node). Only if that secret is lost for good: see 'The server secret does not match' in"
      + " docs/operations.md to adopt a new one and reissue every key";

  private SecretFingerprint() {}

  /**
   * Records the fingerprint of {@code hasher}'s secret when the store has none, otherwise compares it (in constant
   * time). Blocking.
   *
   * @throws InvalidConfigException when the store's fingerprint is another secret's; its message says how to recover
   *     and holds neither secret nor fingerprint
   */
  public static void verify(RegistryStore store, KeyHasher hasher, InstantSource clock) {
    KeyDigest own = hasher.fingerprint();
    KeyDigest recorded = store.recordSecretFingerprint(own, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    if (!hasher.hasFingerprint(recorded)) {
      throw new InvalidConfigException(MISMATCH);
    }
    LOG.debug("server secret matches the store's fingerprint");
  }
}
