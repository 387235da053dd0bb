package io.tollgate.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Opaque pagination cursors: the last item's sort key, base64url. */
final class Cursors {
  private Cursors() {}

  static String encode(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
  }

  static Optional<String> decode(String cursor) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      return s.isEmpty() || s.length() > 128 ? Optional.empty() : Optional.of(s);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
