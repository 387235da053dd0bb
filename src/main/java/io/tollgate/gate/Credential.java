package io.tollgate.gate;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The key a request presents: none, one, or an ambiguous or unusable set of credentials. */
sealed interface Credential {
  /** {@code Bearer 1*SP token}: the scheme in any case, the key without spaces, tabs or other separators. */
  Pattern BEARER = Pattern.compile("(?i)bearer +([!-~]+) *");

  /** No key at all: 401 with a bare {@code WWW-Authenticate} (RFC 6750). */
  record None() implements Credential {}

  /** The key's text as presented. */
  record Presented(String key) implements Credential {
    @Override
    public String toString() {
      return "Presented[…]";
    }
  }

  /**
   * Two different keys, a repeated header, an empty key, a malformed {@code Bearer} ({@code Bearer<TAB>key}), or
   * an {@code Authorization} of any other form next to an {@code x-api-key}: refused like a bad key, since the
   * engine could read another credential than the gate did.
   */
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
    String fromApiKey = apiKey.isEmpty() ? null : apiKey.get(0).trim();
    if (auth.isEmpty()) {
      return fromApiKey == null ? new None() : fromApiKey.isEmpty() ? new Invalid() : new Presented(fromApiKey);
    }
    Matcher bearer = BEARER.matcher(auth.get(0));
    if (!bearer.matches()) {
      // another scheme alone presents no key (RFC 6750); next to an x-api-key it is an ambiguous credential
      return fromApiKey == null && !auth.get(0).toLowerCase(Locale.ROOT).startsWith("bearer") ? new None()
          : new Invalid();
    }
    String key = bearer.group(1);
    return fromApiKey == null || fromApiKey.equals(key) ? new Presented(key) : new Invalid();
  }
}
