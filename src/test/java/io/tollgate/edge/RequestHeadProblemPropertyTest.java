package io.tollgate.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The request head's checks read the headers in one pass: they find the same problem, in the same order of
 * precedence, as the checks written with one list per header and a split per {@code Connection} value did, for
 * heads mixing repeated, missing and odd {@code Transfer-Encoding}, {@code Host} and {@code Connection} headers
 * in any case, with invalid names and values, on HTTP/1.0 and 1.1.
 */
final class RequestHeadProblemPropertyTest {
  private static final Set<String> END_TO_END = Set.of("content-length", "transfer-encoding", "host");

  @Provide
  Arbitrary<Map.Entry<String, String>> header() {
    Arbitrary<String> name = Arbitraries.of("Transfer-Encoding", "transfer-encoding", "HOST", "Host", "Connection",
        "connection", "Content-Type", "X-A", "bad name", "");
    Arbitrary<String> value = Arbitraries.of("chunked", " Chunked ", "gzip", "chunked, gzip", "example.com",
        "example.com:80", "[::1]:8080", "bad host", "close", "keep-alive, Host", " content-LENGTH ,x", ",,",
        "Transfer-Encoding", "te", "", "a\u0001b", "ok");
    return Combinators.combine(name, value).as(Map::entry);
  }

  @Property(tries = 5000)
  void problem_isTheOneTheListChecksFound(@ForAll("heads") List<Map.Entry<String, String>> headers,
      @ForAll boolean http10, @ForAll("targets") String target) {
    HttpHeaders h = new DefaultHttpHeaders(false);
    headers.forEach(e -> h.add(e.getKey(), e.getValue()));
    HttpRequest m = new DefaultHttpRequest(http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, HttpMethod.GET,
        target, h);
    assertThat(RequestHead.problem(m)).as(headers + " " + http10 + " " + target).isEqualTo(model(m));
  }

  @Provide
  Arbitrary<List<Map.Entry<String, String>>> heads() {
    return header().list().ofMinSize(0).ofMaxSize(5);
  }

  @Provide
  Arbitrary<String> targets() {
    return Arbitraries.of("/v1/default/serve", "/a/../b", "/ok?x=1");
  }

  /** The checks as they were written before the single pass. */
  private static Optional<FramingError> model(HttpRequest m) {
    List<String> codings = m.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!codings.isEmpty() && m.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      return Optional.of(FramingError.TRANSFER_ENCODING_IN_HTTP_1_0);
    }
    if (!codings.isEmpty() && !(codings.size() == 1 && codings.get(0).trim().equalsIgnoreCase("chunked"))) {
      return Optional.of(FramingError.UNSUPPORTED_TRANSFER_CODING);
    }
    List<String> hosts = m.headers().getAll(HttpHeaderNames.HOST);
    boolean http11 = m.protocolVersion().equals(HttpVersion.HTTP_1_1);
    if (hosts.size() > 1 || http11 && hosts.isEmpty() || !hosts.isEmpty() && !RequestHead.isHost(hosts.get(0))) {
      return Optional.of(FramingError.INVALID_HOST);
    }
    for (String connection : m.headers().getAll(HttpHeaderNames.CONNECTION)) {
      for (String named : connection.split(",")) {
        if (END_TO_END.contains(named.trim().toLowerCase(Locale.ROOT))) {
          return Optional.of(FramingError.CONNECTION_NAMES_FRAMING);
        }
      }
    }
    if (RequestTarget.problem(m.uri()).isPresent()) {
      return Optional.of(FramingError.INVALID_TARGET);
    }
    for (Map.Entry<String, String> h : m.headers()) {
      boolean token = !h.getKey().isEmpty() && h.getKey().chars().allMatch(FieldSyntax::isTokenChar);
      if (!token || !h.getValue().chars().allMatch(FieldSyntax::isFieldValueChar)) {
        return Optional.of(FramingError.INVALID_HEADER);
      }
    }
    return Optional.empty();
  }
}
