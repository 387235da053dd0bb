package io.tollgate.edge;

/**
 * The characters RFC 9110 §5.6.2 and §5.5 allow in a field name (token) and a field value, and the elements of a
 * comma-separated list (§5.6.1).
 */
public final class FieldSyntax {
  private FieldSyntax() {}

  static boolean isTokenChar(int b) {
    return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
  }

  /** A field value's character: visible ASCII, space, tab or obs-text; never a control character. */
  static boolean isFieldValueChar(int b) {
    return b == '\t' || b >= 0x20 && b != 0x7f;
  }

  /**
   * Whether the comma-separated list {@code value} has an element equal to {@code name} ignoring case, each element
   * trimmed (as {@link String#trim}) and empty ones left out: read in place, without splitting the value into
   * substrings.
   */
  public static boolean listContains(String value, String name) {
    int n = value.length();
    int from = 0;
    while (true) {
      int comma = value.indexOf(',', from);
      int end = comma < 0 ? n : comma;
      int start = from;
      while (start < end && value.charAt(start) <= ' ') {
        start++;
      }
      while (end > start && value.charAt(end - 1) <= ' ') {
        end--;
      }
      if (end > start && end - start == name.length() && value.regionMatches(true, start, name, 0, end - start)) {
        return true;
      }
      if (comma < 0) {
        return false;
      }
      from = comma + 1;
    }
  }
}
