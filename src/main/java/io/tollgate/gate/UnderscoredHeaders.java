package io.tollgate.gate;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Header names spelled with underscores that an engine may read as a header the gate sets or strips: CGI, PHP,
 * Rack, WSGI and Django map {@code X_Tollgate_Customer} and {@code X-Tollgate-Customer} to the same
 * {@code HTTP_X_TOLLGATE_CUSTOMER}, so a client could forge the gate's identity headers or smuggle a credential
 * past it. nginx drops every underscored name by default; the gate drops those that shadow one of its own.
 */
final class UnderscoredHeaders {
  /** What the gate sets or strips, besides hop-by-hop headers and the {@code X-Tollgate-}/{@code X-Forwarded-} families. */
  private static final Set<String> GUARDED = Set.of("authorization", "x-api-key", "host", "expect", "content-length",
      "x-request-id", "forwarded", "x-real-ip");

  private UnderscoredHeaders() {}

  /** Whether {@code name} has an underscore and, read with dashes, names a header the gate sets or strips. */
  static boolean shadows(String name, Optional<String> namespaceHeader) {
    if (name.indexOf('_') < 0) {
      return false;
    }
    String dashed = name.replace('_', '-').toLowerCase(Locale.ROOT);
    return GUARDED.contains(dashed) || HopByHop.NAMES.contains(dashed) || HopByHop.isTollgateHeader(dashed)
        || dashed.startsWith("x-forwarded-") || namespaceHeader.filter(n -> n.equalsIgnoreCase(dashed)).isPresent();
  }
}
