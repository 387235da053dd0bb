package io.tollgate.gate;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The key a request presents: none, one, or an ambiguous or unusable set of credentials. */
sealed interface Credential {

  /** No key at all: 401 with a bare {@code WWW-Authenticate} (RFC 6750). */
  CharSequence AUTHORIZATION = HttpHeaders.createOptimized("Authorization");
  CharSequence X_API_KEY = HttpHeaders.createOptimized("x-api-key");

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
  static Credential from(MultiMap headers) {
    // pre-encoded names, and no list built for a header that is absent (most requests carry one of the two)
    List<String> auth = headers.contains(AUTHORIZATION) ? headers.getAll(AUTHORIZATION) : List.of();
    List<String> apiKey = headers.contains(X_API_KEY) ? headers.getAll(X_API_KEY) : List.of();
    if (auth.size() > 1 || apiKey.size() > 1) {
      return new Invalid();
    }
    String fromApiKey = apiKey.isEmpty() ? null : apiKey.get(0).trim();
    if (auth.isEmpty()) {
      return fromApiKey == null ? new None() : fromApiKey.isEmpty() ? new Invalid() : new Presented(fromApiKey);
    }
    Optional<String> bearer = bearerToken(auth.get(0));
    if (bearer.isEmpty()) {
      // another scheme alone presents no key (RFC 6750); next to an x-api-key it is an ambiguous credential
      return fromApiKey == null && !auth.get(0).toLowerCase(Locale.ROOT).startsWith("bearer") ? new None()
          : new Invalid();
    }
    String key = bearer.get();
    return fromApiKey == null || fromApiKey.equals(key) ? new Presented(key) : new Invalid();
  }

  /**
   * The token of {@code Bearer 1*SP token *SP}: the scheme in any case (ASCII), the key visible ASCII without
   * spaces, tabs or other separators; empty when the value is not that. Read by hand: it runs on every request.
   */
  static Optional<String> bearerToken(String value) {
    int n = value.length();
    if (n < 8 || value.charAt(6) != ' ') {
      return Optional.empty();
    }
    for (int k = 0; k < 6; k++) {
      if ((value.charAt(k) | 0x20) != "bearer".charAt(k)) {
        return Optional.empty();
      }
    }
    int i = 7;
    while (i < n && value.charAt(i) == ' ') {
      i++;
    }
    int start = i;
    while (i < n && value.charAt(i) >= '!' && value.charAt(i) <= '~') {
      i++;
    }
    int end = i;
    while (i < n && value.charAt(i) == ' ') {
      i++;
    }
    return end > start && i == n ? Optional.of(value.substring(start, end)) : Optional.empty();
  }
}
