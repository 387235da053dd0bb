package io.tollgate.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a key's text into its {@link KeyDigest}: HMAC-SHA256 with the server secret, or plain SHA-256 when no
 * secret is configured. Thread-safe: each thread keeps its own initialized {@code Mac} (looking one up and
 * initializing it cost as much as the hash itself, on every request).
 */
public final class KeyHasher {
  private static final String FINGERPRINT_LABEL = "tollgate server secret fingerprint v1";
  private final Optional<ThreadLocal<Mac>> macs;

  private KeyHasher(Optional<SecretKeySpec> secret) {
    this.macs = secret.map(s -> ThreadLocal.withInitial(() -> newMac(s)));
  }

  private static Mac newMac(SecretKeySpec secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(secret);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** A hasher keyed with {@code serverSecret} (HMAC-SHA256). */
  public static KeyHasher hmac(byte[] serverSecret) {
    if (serverSecret.length < 16) {
      throw new IllegalArgumentException("the server secret needs at least 16 bytes");
    }
    return new KeyHasher(Optional.of(new SecretKeySpec(serverSecret.clone(), "HmacSHA256")));
  }

  /** A hasher with no server secret (SHA-256). */
  public static KeyHasher unkeyed() {
    return new KeyHasher(Optional.empty());
  }

  public KeyDigest digest(String key) {
    byte[] text = key.getBytes(StandardCharsets.UTF_8);
    if (macs.isPresent()) {
      return KeyDigest.of(macs.get().get().doFinal(text)); // doFinal leaves the Mac ready for the next key
    }
    try {
      return KeyDigest.of(MessageDigest.getInstance("SHA-256").digest(text));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The fingerprint of this hasher's secret: the digest of a fixed label that no key can be (keys carry a prefix
   * and a checksum). It tells whether two hashers share a secret without giving the secret back.
   */
  public KeyDigest fingerprint() {
    return digest(FINGERPRINT_LABEL);
  }

  /** Whether {@code recorded} is this hasher's {@link #fingerprint}, compared in constant time. */
  public boolean hasFingerprint(KeyDigest recorded) {
    return matches(FINGERPRINT_LABEL, recorded);
  }

  /** Compares a presented key with a stored digest in constant time. */
  public boolean matches(String key, KeyDigest stored) {
    KeyDigest d = digest(key);
    long diff = (d.w0() ^ stored.w0()) | (d.w1() ^ stored.w1()) | (d.w2() ^ stored.w2()) | (d.w3() ^ stored.w3());
    return diff == 0;
  }
}
