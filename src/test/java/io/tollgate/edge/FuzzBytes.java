package io.tollgate.edge;

import java.util.ArrayList;
import java.util.List;

/** Byte helpers of the fuzz tests: the bytes to draw edits from, and a readable form of a failing input. */
public final class FuzzBytes {
  private FuzzBytes() {}

  /** The bytes as a list, to draw from with {@code Arbitraries.of}. */
  public static List<Byte> asList(byte[] bytes) {
    List<Byte> out = new ArrayList<>(bytes.length);
    for (byte b : bytes) {
      out.add(b);
    }
    return out;
  }

  /** Visible ASCII as it is, every other byte as {@code \xNN}. */
  public static String printable(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      int c = x & 0xff;
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return sb.toString();
  }
}
