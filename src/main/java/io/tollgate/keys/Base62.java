package io.tollgate.keys;

import java.security.SecureRandom;

/** Base62 alphabet shared by key secrets, checksums and ids. */
final class Base62 {
  static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  static final String LOWER_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

  private Base62() {}

  static String random(SecureRandom random, int length, String alphabet) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return new String(out);
  }

  /** {@code value} (unsigned) in base62, left-padded with '0' to {@code width}. */
  static String fixedWidth(long value, int width) {
    char[] out = new char[width];
    long v = value;
    for (int i = width - 1; i >= 0; i--) {
      out[i] = ALPHABET.charAt((int) Long.remainderUnsigned(v, 62));
      v = Long.divideUnsigned(v, 62);
    }
    return new String(out);
  }

  /** Whether {@code s} holds {@link #fixedWidth fixedWidth(value, width)} from {@code from}, read in place. */
  static boolean isFixedWidth(long value, CharSequence s, int from, int width) {
    if (s.length() < from + width) {
      return false;
    }
    long v = value;
    for (int i = width - 1; i >= 0; i--) {
      if (s.charAt(from + i) != ALPHABET.charAt((int) Long.remainderUnsigned(v, 62))) {
        return false;
      }
      v = Long.divideUnsigned(v, 62);
    }
    return true;
  }

  static boolean isBase62(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
