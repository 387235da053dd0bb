package io.tollgate.text;

import java.util.Optional;

/**
 * Characters that can take over a terminal or change what it shows: what the Admin API refuses in the text it
 * stores, and how the CLI prints any text harmlessly. Stateless; thread-safe.
 *
 * <p>Refused: controls (Unicode category Cc: NUL, BEL, BS, ESC, CR, LF, TAB, DEL, the C1 controls such as CSI
 * U+009B), the bidirectional formatting characters (marks U+200E, U+200F, U+061C; embeddings and overrides
 * U+202A to U+202E; isolates U+2066 to U+2069), the line and paragraph separators U+2028 and U+2029, and unpaired
 * surrogates. Escaped on output: those, and every other format character (Cf: zero-width space U+200B, soft hyphen,
 * byte order mark, tags), except the joiners U+200C and U+200D that scripts and emoji need.
 */
public final class ControlCharacters {
  private ControlCharacters() {}

  /** The first character {@link #isRefused refused} in {@code text}, as {@code U+001B}; empty when none is. */
  public static Optional<String> firstRefused(String text) {
    return text.codePoints().filter(ControlCharacters::isRefused).mapToObj(ControlCharacters::name).findFirst();
  }

  /** Whether the Admin API refuses {@code codePoint} in stored text. */
  public static boolean isRefused(int codePoint) {
    int type = Character.getType(codePoint);
    return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE || isBidiFormatting(codePoint);
  }

  private static boolean isBidiFormatting(int cp) {
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || cp >= 0x202A && cp <= 0x202E
        || cp >= 0x2066 && cp <= 0x2069;
  }

  /** Whether {@code codePoint} is escaped on output: refused, or any other format character but the joiners. */
  public static boolean isUnprintable(int codePoint) {
    return isRefused(codePoint)
        || Character.getType(codePoint) == Character.FORMAT && codePoint != 0x200C && codePoint != 0x200D;
  }

  /**
   * {@code text} with each {@link #isUnprintable unprintable} character written as {@code \u001b} (or
   * {@code \U000e0001} beyond the BMP); the same string when there is none. A backslash prints as itself.
   */
  public static String escape(String text) {
    return escape(text, false);
  }

  /**
   * A JSON document's text with each unprintable character written as a JSON escape ({@code \u001b}, a pair of
   * {@code \ud83f\udfff} beyond the BMP): the same JSON value, since a valid document holds such characters only
   * inside strings (a raw one is not allowed there, but a document from a server that wrote one raw still shows it
   * harmlessly).
   */
  public static String escapeJson(String json) {
    return escape(json, true);
  }

  private static String escape(String text, boolean json) {
    if (text.codePoints().noneMatch(ControlCharacters::isUnprintable)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints().forEach(cp -> {
      if (!isUnprintable(cp) || json && (cp == '\n' || cp == '\t')) {
        out.appendCodePoint(cp);
      } else if (Character.isBmpCodePoint(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else if (json) {
        out.append(String.format("\\u%04x\\u%04x", (int) Character.highSurrogate(cp),
            (int) Character.lowSurrogate(cp)));
      } else {
        out.append(String.format("\\U%08x", cp));
      }
    });
    return out.toString();
  }

  private static String name(int codePoint) {
    return String.format("U+%04X", codePoint);
  }
}
