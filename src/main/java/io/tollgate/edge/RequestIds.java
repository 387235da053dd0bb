package io.tollgate.edge;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code X-Request-Id} for both listeners: the client's when it is 1-128 characters of {@code [A-Za-z0-9._:-]},
 * otherwise a new random one. Thread-safe.
 */
public final class RequestIds {
  /** Pre-encoded: its hash is computed once, not per request. */
  private static final CharSequence HEADER = HttpHeaders.createOptimized("X-Request-Id");

  private RequestIds() {}

  /** The request's id: the one it carries when valid, otherwise a new one. */
  public static String of(HttpServerRequest req) {
    String given = req.getHeader(HEADER);
    return given != null && valid(given) ? given : newId();
  }

  static boolean valid(String id) {
    int n = id.length();
    if (n < 1 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new UUID(r.nextLong(), r.nextLong()).toString();
  }
}
