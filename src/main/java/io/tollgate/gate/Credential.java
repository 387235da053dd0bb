package io.tollgate.gate;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The key a request presents: none, one, or an ambiguous or unusable set of credentials. */
sealed interface Credential {
  /** No key at all: 401 with a bare {@code WWW-Authenticate} (RFC 6750). */
  record None() implements Credential {}

  /** The key's text as presented. */
  record Presented(String key) implements Credential {
    @Override
    public String toString() {
      return "Presented[…]";
    }
  }

  /** Two different keys, a repeated header, or another Authorization scheme: refused like a bad key. */
  record Invalid() implements Credential {}

  /**
   * Reads {@code Authorization: Bearer <key>} (scheme case-insensitive) and {@code x-api-key: <key>}.
   *
   * @param headers all values of a header by name (case-insensitive)
   */
  static Credential from(Function<String, List<String>> headers) {
    List<String> auth = headers.apply("Authorization");
    List<String> apiKey = headers.apply("x-api-key");
    if (auth.size() > 1 || apiKey.size() > 1) {
      return new Invalid();
    }
    String bearer = null;
    if (!auth.isEmpty()) {
      String a = auth.get(0);
      if (a.length() < 7 || !a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
        return apiKey.isEmpty() ? new None() : fromApiKey(apiKey.get(0));
      }
      bearer = a.substring(7).trim();
    }
    if (bearer != null && !apiKey.isEmpty() && !bearer.equals(apiKey.get(0).trim())) {
      return new Invalid();
    }
    if (bearer != null) {
      return bearer.isEmpty() ? new Invalid() : new Presented(bearer);
    }
    return apiKey.isEmpty() ? new None() : fromApiKey(apiKey.get(0));
  }

  private static Credential fromApiKey(String value) {
    String v = value.trim();
    return v.isEmpty() ? new Invalid() : new Presented(v);
  }
}
