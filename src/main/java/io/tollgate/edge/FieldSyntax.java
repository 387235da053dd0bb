package io.tollgate.edge;

/** The characters RFC 9110 §5.6.2 and §5.5 allow in a field name (token) and a field value. */
final class FieldSyntax {
  private FieldSyntax() {}

  static boolean isTokenChar(int b) {
    return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
  }

  /** A field value's character: visible ASCII, space, tab or obs-text; never a control character. */
  static boolean isFieldValueChar(int b) {
    return b == '\t' || b >= 0x20 && b != 0x7f;
  }
}
