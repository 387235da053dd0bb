package io.tollgate.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of a decoded request head that RFC 9112 asks a server to refuse and Netty lets through: a
 * {@code Transfer-Encoding} on HTTP/1.0 (§6.1: the framing is faulty), a coding other than one {@code chunked},
 * an HTTP/1.1 request without exactly one {@code Host}, or with one that is not a host and port (§3.2), a
 * {@code Connection} naming {@code Content-Length}, {@code Transfer-Encoding} or {@code Host} (a hop-by-hop list
 * must never remove the framing a proxy forwards), a target
 * an engine could read differently ({@link RequestTarget}), and a field name that is not a token or a value with a
 * control character. Stateless; thread-safe.
 */
final class RequestHead {

  /** Headers a {@code Connection} list must never remove: the request's framing and its host. */
  private static final Set<String> END_TO_END = Set.of("content-length", "transfer-encoding", "host");

  private RequestHead() {}

  static Optional<FramingError> problem(HttpMessage m) {
    List<String> codings = m.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!codings.isEmpty() && m.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      return Optional.of(FramingError.TRANSFER_ENCODING_IN_HTTP_1_0);
    }
    if (!codings.isEmpty() && !(codings.size() == 1 && codings.get(0).trim().equalsIgnoreCase("chunked"))) {
      return Optional.of(FramingError.UNSUPPORTED_TRANSFER_CODING);
    }
    List<String> hosts = m.headers().getAll(HttpHeaderNames.HOST);
    boolean http11 = m.protocolVersion().equals(HttpVersion.HTTP_1_1);
    if (hosts.size() > 1 || http11 && hosts.isEmpty() || !hosts.isEmpty() && !isHost(hosts.get(0))) {
      return Optional.of(FramingError.INVALID_HOST);
    }
    for (String connection : m.headers().getAll(HttpHeaderNames.CONNECTION)) {
      for (String named : connection.split(",")) {
        if (END_TO_END.contains(named.trim().toLowerCase(Locale.ROOT))) {
          return Optional.of(FramingError.CONNECTION_NAMES_FRAMING);
        }
      }
    }
    if (m instanceof HttpRequest r && RequestTarget.problem(r.uri()).isPresent()) {
      return Optional.of(FramingError.INVALID_TARGET);
    }
    for (Map.Entry<String, String> h : m.headers()) {
      if (!isToken(h.getKey()) || !isFieldValue(h.getValue())) {
        return Optional.of(FramingError.INVALID_HEADER);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code uri-host [":" port]}: an IP literal ({@code [} hex digits, colons and dots {@code ]}), or reg-name
   * characters (no comma: that would be two hosts), then an optional colon and digits. Checked by hand: a regular
   * expression here ran on every request.
   */
  static boolean isHost(String host) {
    int n = host.length();
    int i = 0;
    if (n > 0 && host.charAt(0) == '[') {
      int close = host.indexOf(']');
      if (close < 2) {
        return false;
      }
      for (int j = 1; j < close; j++) {
        if (!isIpLiteralChar(host.charAt(j))) {
          return false;
        }
      }
      i = close + 1;
    } else {
      while (i < n && isRegNameChar(host.charAt(i))) {
        i++;
      }
    }
    if (i == n) {
      return true;
    }
    if (host.charAt(i) != ':') {
      return false;
    }
    for (int j = i + 1; j < n; j++) {
      if (host.charAt(j) < '0' || host.charAt(j) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpLiteralChar(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.';
  }

  private static boolean isRegNameChar(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "._~!$&'()*+;=%-".indexOf(c) >= 0;
  }

  private static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!FieldSyntax.isTokenChar(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isFieldValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (!FieldSyntax.isFieldValueChar(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
