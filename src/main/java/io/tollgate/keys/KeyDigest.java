package io.tollgate.keys;

import java.util.HexFormat;

/**
 * The 256-bit keyed hash of a key: what is stored and looked up instead of the key. Four longs keep it compact
 * and give it value equality.
 */
public record KeyDigest(long w0, long w1, long w2, long w3) {

  static KeyDigest of(byte[] bytes) {
    if (bytes.length != 32) {
      throw new IllegalArgumentException("a digest has 32 bytes");
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    return new KeyDigest(b.getLong(), b.getLong(), b.getLong(), b.getLong());
  }

  /** Parses the 64 lowercase hex characters of {@link #toHex()}. */
  public static KeyDigest fromHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }

  public String toHex() {
    HexFormat f = HexFormat.of();
    return f.toHexDigits(w0) + f.toHexDigits(w1) + f.toHexDigits(w2) + f.toHexDigits(w3);
  }

  @Override
  public String toString() {
    return "KeyDigest[" + toHex().substring(0, 8) + "…]";
  }
}
