package io.tollgate.registry;

import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.keys.KeyHasher;
import io.tollgate.keys.RandomIds;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Makes new keys: the secret text (returned once) and the record that is stored (digest only). */
public final class KeyIssuer {
  private final ApiKeyFormat format;
  private final KeyHasher hasher;

  public KeyIssuer(ApiKeyFormat format, KeyHasher hasher) {
    this.format = format;
    this.hasher = hasher;
  }

  /**
   * A freshly made key.
   *
   * @param key what is stored
   * @param secret the key's text, to return once and then forget
   */
  public record Issued(CustomerKey key, String secret) {
    @Override
    public String toString() {
      return "Issued[" + key.id() + "]";
    }
  }

  Issued issue(RegistryTransaction tx, String customerId, Optional<String> name, KeyEnvironment environment,
      List<String> namespaces, Optional<Instant> expiresAt, Optional<String> replaces, Instant now) {
    String secret;
    KeyDigest digest;
    do {
      secret = format.newKey(environment);
      digest = hasher.digest(secret);
    } while (tx.digestExists(digest));
    CustomerKey key = new CustomerKey(RandomIds.keyId(), customerId, name, environment,
        ApiKeyFormat.displayPrefix(secret), digest, namespaces, now, Optional.empty(), expiresAt,
        Optional.empty(), replaces);
    return new Issued(key, secret);
  }
}
