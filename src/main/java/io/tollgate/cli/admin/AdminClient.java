package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A blocking client of one Tollgate's Admin API over {@link HttpClient}: every call returns a {@link Reply}, never
 * throws for a refusal or an unreachable server. The admin key is sent as a Bearer token and never printed.
 */
final class AdminClient {
  // decimals as BigDecimal: a metadata number such as 1.7976931348623157e308 or 0.1000000000000000000001 shows its
  // value, not the nearest double (big integers are exact anyway); --json prints the server's text
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String base;
  private final Optional<String> adminKey;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(CONNECT_TIMEOUT).build();

  /** {@code base} without a trailing slash, e.g. {@code http://127.0.0.1:8081}. */
  AdminClient(String base, Optional<String> adminKey) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.adminKey = adminKey;
  }

  Reply get(String path, Map<String, String> query) {
    return send("GET", path + queryString(query), Optional.empty());
  }

  Reply post(String path, JsonNode body) {
    return send("POST", path, Optional.of(body));
  }

  Reply patch(String path, JsonNode body) {
    return send("PATCH", path, Optional.of(body));
  }

  Reply delete(String path) {
    return send("DELETE", path, Optional.empty());
  }

  /**
   * GET whose successful body is copied to {@code sink} as it arrives; a refusal is parsed as usual.
   *
   * @throws UncheckedIOException when {@code sink} cannot be written (a full disk), told apart from a connection
   *     that fails, which is {@link Reply.Unreachable}
   */
  Reply download(String path, Map<String, String> query, OutputStream sink) {
    String target = path + queryString(query);
    try {
      HttpResponse<InputStream> r = http.send(request("GET", target, Optional.empty()),
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = r.body()) {
        if (r.statusCode() / 100 != 2) {
          return refused(r.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
        return new Reply.Streamed(r.statusCode(), copy(body, sink));
      }
    } catch (IOException e) {
      return unreachable(target, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply.Unreachable(base + target, "interrupted");
    }
  }

  /** Copies {@code body} to {@code sink}; a failure to write {@code sink} is an {@link UncheckedIOException}. */
  private static long copy(InputStream body, OutputStream sink) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long bytes = 0;
    for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
      try {
        sink.write(buffer, 0, n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      bytes += n;
    }
    try {
      sink.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes;
  }

  /** A query from name/value pairs, in order; a pair whose value is null (an option not given) is left out. */
  static Map<String, String> query(String... pairs) {
    Map<String, String> q = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        q.put(pairs[i], pairs[i + 1]);
      }
    }
    return q;
  }

  /** One path segment, percent-encoded. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Reply send(String method, String target, Optional<JsonNode> body) {
    try {
      HttpResponse<String> r = http.send(request(method, target, body),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() / 100 != 2) {
        return refused(r.statusCode(), r.body());
      }
      if (r.statusCode() == 204) { // nothing to show (DELETE /admin/webhooks/{id})
        return new Reply.Answered(204, MissingNode.getInstance(), "");
      }
      Optional<JsonNode> doc = parse(r.body());
      return doc.<Reply>map(d -> new Reply.Answered(r.statusCode(), d, r.body()))
          .orElseGet(() -> new Reply.Refused(r.statusCode(), "unexpected_answer",
              "the answer is not JSON; is " + base + " a Tollgate Admin API?", MissingNode.getInstance()));
    } catch (IOException e) {
      return unreachable(target, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply.Unreachable(base + target, "interrupted");
    }
  }

  private HttpRequest request(String method, String target, Optional<JsonNode> body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + target)).timeout(TIMEOUT)
        .header("Accept", "application/json")
        .header("User-Agent", "tollgate-cli");
    adminKey.ifPresent(k -> b.header("Authorization", "Bearer " + k));
    if (body.isPresent()) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.get().toString(), StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  private static Reply refused(int status, String text) {
    Optional<JsonNode> doc = parse(text);
    JsonNode d = doc.orElse(MissingNode.getInstance());
    if (d.hasNonNull("code")) {
      return new Reply.Refused(status, d.get("code").asText(), d.path("detail").asText(""), d);
    }
    String snippet = text.strip();
    snippet = snippet.length() > 200 ? snippet.substring(0, 200) + "…" : snippet;
    return new Reply.Refused(status, "http_" + status, snippet.isEmpty() ? "HTTP " + status : snippet, d);
  }

  private Reply unreachable(String target, IOException e) {
    String reason = switch (e) {
      case ConnectException c when unresolved(c) ->
          "unknown host (is --admin-url right?)";
      case ConnectException c -> "connection refused (is Tollgate running, and is --admin-url right?)";
      case HttpConnectTimeoutException t -> "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
      case HttpTimeoutException t -> "no answer within " + TIMEOUT.toSeconds() + " s";
      default -> Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
    };
    return new Reply.Unreachable(base + target, reason);
  }

  /** Whether the host name did not resolve (the HTTP client wraps that in connect exceptions). */
  private static boolean unresolved(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.nio.channels.UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
        return true;
      }
    }
    return false;
  }

  private static Optional<JsonNode> parse(String text) {
    try {
      return text.isBlank() ? Optional.empty() : Optional.of(JSON.readTree(text));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String queryString(Map<String, String> query) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    query.forEach((k, v) -> q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return q.toString();
  }
}
