package io.tollgate.edge;

import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
  private static final List<String> END_TO_END = List.of("content-length", "transfer-encoding", "host");

  private RequestHead() {}

  static Optional<FramingError> problem(HttpMessage m) {
    // one pass over the headers (three getAll lists and a split per Connection value were about 1.5 % of a proxied
    // request's CPU and allocation samples); the problems are then answered in the order the checks always had
    int codings = 0;
    String coding = null;
    int hosts = 0;
    String host = null;
    boolean connectionNamesFraming = false;
    boolean invalidHeader = false;
    for (Map.Entry<String, String> h : m.headers()) {
      String name = h.getKey();
      String value = h.getValue();
      if (name.equalsIgnoreCase("transfer-encoding")) {
        coding = codings++ == 0 ? value : coding;
      } else if (name.equalsIgnoreCase("host")) {
        host = hosts++ == 0 ? value : host;
      } else if (name.equalsIgnoreCase("connection") && !connectionNamesFraming) {
        for (String framing : END_TO_END) {
          connectionNamesFraming |= FieldSyntax.listContains(value, framing);
        }
      }
      invalidHeader |= !isToken(name) || !isFieldValue(value);
    }
    if (codings > 0 && m.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      return Optional.of(FramingError.TRANSFER_ENCODING_IN_HTTP_1_0);
    }
    if (codings > 0 && !(codings == 1 && coding.trim().equalsIgnoreCase("chunked"))) {
      return Optional.of(FramingError.UNSUPPORTED_TRANSFER_CODING);
    }
    boolean http11 = m.protocolVersion().equals(HttpVersion.HTTP_1_1);
    if (hosts > 1 || http11 && hosts == 0 || hosts == 1 && !isHost(host)) {
      return Optional.of(FramingError.INVALID_HOST);
    }
    if (connectionNamesFraming) {
      return Optional.of(FramingError.CONNECTION_NAMES_FRAMING);
    }
    if (m instanceof HttpRequest r && RequestTarget.problem(r.uri()).isPresent()) {
      return Optional.of(FramingError.INVALID_TARGET);
    }
    return invalidHeader ? Optional.of(FramingError.INVALID_HEADER) : Optional.empty();
  }

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
