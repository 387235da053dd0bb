package io.tollgate.gate;

import io.tollgate.registry.RegistryView.KeyEntry;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The headers the engine receives: the client's, without hop-by-hop headers, without any credential header
 * ({@code Authorization} whatever its scheme, {@code x-api-key}), without any client {@code X-Tollgate-*} or
 * untrusted forwarding header, and (unless turned off) without a header spelled with underscores that a CGI-style
 * framework would read as one of those ({@code X_Tollgate_Customer}); then the gate's own {@code X-Forwarded-*},
 * {@code X-Request-Id} and {@code X-Tollgate-*}, set last so nothing the client sent can remove or forge them.
 *
 * <p>The client's headers are read once and copied straight into the engine request's headers (no intermediate
 * map); the gate's own names are pre-encoded constants, so neither side hashes or checks them per request.
 */
final class EngineRequestHeaders {
  static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
  static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
  static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
  static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  static final CharSequence X_TOLLGATE_CUSTOMER = HttpHeaders.createOptimized("X-Tollgate-Customer");
  static final CharSequence X_TOLLGATE_KEY_ID = HttpHeaders.createOptimized("X-Tollgate-Key-Id");
  static final CharSequence X_TOLLGATE_TIER = HttpHeaders.createOptimized("X-Tollgate-Tier");
  static final CharSequence X_TOLLGATE_NAMESPACE = HttpHeaders.createOptimized("X-Tollgate-Namespace");
  static final CharSequence X_TOLLGATE_OPERATION = HttpHeaders.createOptimized("X-Tollgate-Operation");

  /** Never forwarded: credentials, the client's Host and Expect, and the names the gate sets itself. */
  private static final Set<String> DROPPED = HopByHop.caseInsensitive("x-api-key", "authorization", "host", "expect",
      "x-forwarded-for", "x-forwarded-proto", "x-request-id");

  private EngineRequestHeaders() {}

  /**
   * Whether a client header of this name never reaches the engine, whatever its value: compared ignoring case,
   * without a lower-cased copy per header.
   *
   * @param forwardsHost whether the gate sets {@code X-Forwarded-Host} itself
   */
  static boolean droppedByName(String name, boolean forwardsHost, boolean trustedClient) {
    return DROPPED.contains(name) || HopByHop.NAMES.contains(name) || HopByHop.isTollgateHeader(name)
        || forwardsHost && name.equalsIgnoreCase("x-forwarded-host")
        || !trustedClient && (name.regionMatches(true, 0, "x-forwarded-", 0, 12)
            || name.equalsIgnoreCase("forwarded") || name.equalsIgnoreCase("x-real-ip"));
  }

  /**
   * Copies the headers the engine receives into {@code target} (the engine request's headers, empty).
   *
   * @param client the client's request headers (not modified)
   * @param clientAddress the peer's address
   * @param trustedClient whether the peer is a configured trusted proxy (its forwarding headers are kept)
   * @param host the client's {@code Host}, for {@code X-Forwarded-Host}
   * @param namespaceHeader the route's namespace header, if it has one (its underscored spelling is dropped)
   * @param dropUnderscored whether to drop underscored spellings of the headers the gate sets or strips
   */
  static void copy(MultiMap client, MultiMap target, String clientAddress, boolean trustedClient, String host,
      String requestId, KeyEntry entry, String namespace, String operation, Optional<String> namespaceHeader,
      boolean dropUnderscored) {
    List<String> connection = HopByHop.connectionValues(client);
    for (Map.Entry<String, String> h : client) {
      String name = h.getKey();
      if (droppedByName(name, host != null, trustedClient)
          || dropUnderscored && UnderscoredHeaders.shadows(name, namespaceHeader)
          || !connection.isEmpty() && HopByHop.named(connection, name)) {
        continue;
      }
      target.add(name, h.getValue());
    }
    String priorChain = trustedClient ? String.join(", ", client.getAll(X_FORWARDED_FOR)) : "";
    target.set(X_FORWARDED_FOR, priorChain.isBlank() ? clientAddress : priorChain + ", " + clientAddress);
    String proto = trustedClient ? client.get(X_FORWARDED_PROTO) : null;
    target.set(X_FORWARDED_PROTO, proto == null || proto.isBlank() ? "http" : proto);
    if (host != null) {
      target.set(X_FORWARDED_HOST, host);
    }
    target.set(X_REQUEST_ID, requestId);
    target.set(X_TOLLGATE_CUSTOMER, entry.owner().customer().id());
    target.set(X_TOLLGATE_KEY_ID, entry.key().id());
    target.set(X_TOLLGATE_TIER, entry.owner().customer().tier());
    target.set(X_TOLLGATE_NAMESPACE, namespace);
    target.set(X_TOLLGATE_OPERATION, operation);
  }
}
