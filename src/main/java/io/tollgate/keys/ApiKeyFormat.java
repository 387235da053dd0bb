package io.tollgate.keys;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The text of keys: {@code {prefix}_{environment}_{secret}{checksum}}, e.g. {@code tg_live_4fJ…}.
 *
 * <p>The secret is {@value #SECRET_LENGTH} base62 characters from {@link SecureRandom} (about 131 bits). The
 * checksum is the CRC32 of everything before it, in base62, {@value #CHECKSUM_LENGTH} characters wide: public and
 * unkeyed, so that a mistyped key is refused without a lookup and a secret scanner can validate a leaked key
 * without the server. Admin keys use the environment {@code admin}, so a customer key can never pass as one.
 * Thread-safe.
 */
public final class ApiKeyFormat {
  public static final int SECRET_LENGTH = 22;
  public static final int CHECKSUM_LENGTH = 6;
  /** Characters of the secret kept for display in {@code prefix}. */
  private static final int DISPLAY_SECRET_CHARS = 4;
  private static final Pattern PREFIX = Pattern.compile("^[a-z][a-z0-9]{1,9}$");
  private static final String ADMIN_ENVIRONMENT = "admin";

  private final String prefix;
  private final SecureRandom random = new SecureRandom();

  public ApiKeyFormat(String prefix) {
    if (!isValidPrefix(prefix)) {
      throw new IllegalArgumentException("a key prefix is 2-10 lowercase letters or digits, starting with a letter");
    }
    this.prefix = prefix;
  }

  public static boolean isValidPrefix(String prefix) {
    return prefix != null && PREFIX.matcher(prefix).matches();
  }

  public String prefix() {
    return prefix;
  }

  /** A new customer key for {@code environment}. */
  public String newKey(KeyEnvironment environment) {
    return compose(environment.wireName());
  }

  /** A new admin key. */
  public String newAdminKey() {
    return compose(ADMIN_ENVIRONMENT);
  }

  private String compose(String environment) {
    String body = prefix + "_" + environment + "_" + Base62.random(random, SECRET_LENGTH, Base62.ALPHABET);
    return body + checksum(body);
  }

  /**
   * The environment of a well-formed customer key with this server's prefix and a valid checksum; empty for
   * anything else (including admin keys). Costs no lookup.
   */
  public Optional<KeyEnvironment> parseCustomerKey(String key) {
    for (KeyEnvironment env : KeyEnvironment.ALL) {
      if (isWellFormed(key, env.wireName())) {
        return Optional.of(env);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code key} is a well-formed admin key of this server's prefix with a valid checksum. */
  public boolean isWellFormedAdminKey(String key) {
    return isWellFormed(key, ADMIN_ENVIRONMENT);
  }

  private boolean isWellFormed(String key, String environment) {
    if (key == null) {
      return false;
    }
    int head = prefix.length() + 1 + environment.length() + 1;
    if (key.length() != head + SECRET_LENGTH + CHECKSUM_LENGTH
        || !key.startsWith(prefix)
        || key.charAt(prefix.length()) != '_'
        || !key.startsWith(environment, prefix.length() + 1)
        || key.charAt(head - 1) != '_'
        || !Base62.isBase62(key, head, key.length())) {
      return false;
    }
    // the checksum computed over the key's own characters (ASCII by now) and compared in place: no substrings, no
    // encoded copy, no checksum string per request
    int split = key.length() - CHECKSUM_LENGTH;
    byte[] body = new byte[split];
    for (int i = 0; i < split; i++) {
      body[i] = (byte) key.charAt(i);
    }
    CRC32 crc = new CRC32();
    crc.update(body);
    return Base62.isFixedWidth(crc.getValue(), key, split, CHECKSUM_LENGTH);
  }

  /** The public display prefix of a key: everything before the secret plus its first characters. */
  public static String displayPrefix(String key) {
    int secretStart = key.indexOf('_', key.indexOf('_') + 1) + 1;
    return key.substring(0, Math.min(key.length(), secretStart + DISPLAY_SECRET_CHARS));
  }

  /** CRC32 of {@code body}, base62, fixed width: the same algorithm a secret scanner implements. */
  public static String checksum(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    return Base62.fixedWidth(crc.getValue(), CHECKSUM_LENGTH);
  }
}
