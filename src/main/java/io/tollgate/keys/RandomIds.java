package io.tollgate.keys;

import java.security.SecureRandom;

/** Public identifiers: {@code key_…} for keys, {@code cus_…} for generated customer ids, {@code adm_…} for admin keys. */
public final class RandomIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomIds() {}

  public static String keyId() {
    return "key_" + Base62.random(RANDOM, 16, Base62.ALPHABET);
  }

  /** Lowercase, so that it matches the customer id slug. */
  public static String customerId() {
    return "cus_" + Base62.random(RANDOM, 16, Base62.LOWER_ALPHABET);
  }

  public static String adminKeyId() {
    return "adm_" + Base62.random(RANDOM, 12, Base62.ALPHABET);
  }

  /** A random secret of {@code bytes} bytes, e.g. for the server's HMAC secret. */
  public static byte[] secretBytes(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return b;
  }
}
