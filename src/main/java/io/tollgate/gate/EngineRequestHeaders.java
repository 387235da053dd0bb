package io.tollgate.gate;

import io.tollgate.registry.RegistryView.KeyEntry;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The headers the engine receives: the client's, without hop-by-hop headers, without any credential header
 * ({@code Authorization} whatever its scheme, {@code x-api-key}), without any client {@code X-Tollgate-*} or
 * untrusted forwarding header, and (unless turned off) without a header spelled with underscores that a CGI-style
 * framework would read as one of those ({@code X_Tollgate_Customer}); then the gate's own {@code X-Forwarded-*},
 * {@code X-Request-Id} and {@code X-Tollgate-*}, set last so nothing the client sent can remove or forge them.
 */
final class EngineRequestHeaders {
  private EngineRequestHeaders() {}

  /**
   * @param client the client's request headers (not modified)
   * @param clientAddress the peer's address
   * @param trustedClient whether the peer is a configured trusted proxy (its forwarding headers are kept)
   * @param host the client's {@code Host}, for {@code X-Forwarded-Host}
   * @param namespaceHeader the route's namespace header, if it has one (its underscored spelling is dropped)
   * @param dropUnderscored whether to drop underscored spellings of the headers the gate sets or strips
   */
  static MultiMap build(MultiMap client, String clientAddress, boolean trustedClient, String host,
      String requestId, KeyEntry entry, String namespace, String operation, Optional<String> namespaceHeader,
      boolean dropUnderscored) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap().addAll(client);
    HopByHop.strip(h);
    h.remove("x-api-key");
    h.remove("Authorization");
    h.remove("Host");
    h.remove("Expect");
    List<String> names = new ArrayList<>(h.names());
    for (String name : names) {
      if (HopByHop.isTollgateHeader(name)
          || dropUnderscored && UnderscoredHeaders.shadows(name, namespaceHeader)) {
        h.remove(name);
      }
    }
    String priorChain = trustedClient ? String.join(", ", client.getAll("X-Forwarded-For")) : "";
    if (!trustedClient) {
      for (String name : names) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("x-forwarded-") || lower.equals("forwarded") || lower.equals("x-real-ip")) {
          h.remove(name);
        }
      }
    }
    h.set("X-Forwarded-For", priorChain.isBlank() ? clientAddress : priorChain + ", " + clientAddress);
    String proto = trustedClient ? client.get("X-Forwarded-Proto") : null;
    h.set("X-Forwarded-Proto", proto == null || proto.isBlank() ? "http" : proto);
    if (host != null) {
      h.set("X-Forwarded-Host", host);
    }
    h.set("X-Request-Id", requestId);
    h.set("X-Tollgate-Customer", entry.owner().customer().id());
    h.set("X-Tollgate-Key-Id", entry.key().id());
    h.set("X-Tollgate-Tier", entry.owner().customer().tier());
    h.set("X-Tollgate-Namespace", namespace);
    h.set("X-Tollgate-Operation", operation);
    return h;
  }
}
