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
import java.util.regex.Pattern;

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
  /** {@code uri-host [":" port]}: an IP literal, or reg-name characters (no comma: that would be two hosts). */
  private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._~!$&'()*+;=%-]*)(:[0-9]*)?");

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
    if (hosts.size() > 1 || http11 && hosts.isEmpty() || !hosts.isEmpty() && !HOST.matcher(hosts.get(0)).matches()) {
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
