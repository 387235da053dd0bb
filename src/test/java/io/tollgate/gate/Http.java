package io.tollgate.gate;

import io.tollgate.admin.RunningTollgate.Answer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Calls with a short timeout, for tests whose failure would be a request that hangs. */
final class Http {
  static final Duration PROMPT = Duration.ofSeconds(5);
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(PROMPT).build();

  private Http() {}

  /** Sends to the gate listener; fails the test when no answer comes within {@link #PROMPT}. */
  static Answer send(GateFixture f, String method, String path, String body, Map<String, String> headers) {
    return send(f.tollgate.gateUri(path), method, body, headers);
  }

  static Answer send(URI uri, String method, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(PROMPT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, String> h = new HashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v.get(0)));
      return new Answer(r.statusCode(), h, r.body());
    } catch (HttpTimeoutException e) {
      throw new AssertionError(method + " " + uri + " got no answer within " + PROMPT, e);
    } catch (Exception e) {
      throw new AssertionError(method + " " + uri + " failed", e);
    }
  }
}
