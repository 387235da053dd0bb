package io.tollgate.admin;

import io.netty.util.NetUtil;
import io.tollgate.config.HostPort;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The names the admin listener answers for, against DNS rebinding: a page on {@code evil.example} whose name is
 * re-pointed at the listener's address reaches it with {@code Host: evil.example}, and is answered
 * {@code 421 misdirected_request}. Allowed are {@code localhost} and loopback addresses, the listen address (every
 * IP address when it is a wildcard, {@code 0.0.0.0} or {@code ::}: an address cannot be re-pointed), and
 * {@code admin.allowed_hosts}; any port. Immutable.
 */
final class AllowedHosts {
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private final Set<String> names;
  private final Set<InetAddress> addresses = new HashSet<>();
  private final boolean everyAddress;

  AllowedHosts(HostPort listen, List<String> configured) {
    Set<String> n = new HashSet<>();
    n.add("localhost");
    boolean wildcard = false;
    for (String host : Stream.concat(Stream.of(listen.host()), configured.stream()).toList()) {
      Optional<InetAddress> ip = address(host);
      if (ip.isPresent()) {
        wildcard |= ip.get().isAnyLocalAddress();
        addresses.add(ip.get());
      } else {
        n.add(host.toLowerCase(Locale.ROOT));
      }
    }
    this.names = Set.copyOf(n);
    this.everyAddress = wildcard;
  }

  /** The first route: a request whose {@code Host} (and absolute target, if any) is not allowed gets a 421. */
  void check(RoutingContext ctx) {
    var request = ctx.request();
    List<String> host = request.headers().getAll("Host");
    if (host.size() == 1 && allows(host.get(0)) && targetAllowed(request.uri())) {
      ctx.next();
      return;
    }
    Problem.of(421, "misdirected_request", "Misdirected request",
        "this listener does not answer for the host named in the request; add the name to admin.allowed_hosts")
        .send(ctx);
  }

  /** An absolute-form target ({@code GET http://evil.example/admin/tiers}) must name an allowed host too. */
  private boolean targetAllowed(String uri) {
    if (uri.startsWith("/") || "*".equals(uri)) {
      return true;
    }
    try {
      String authority = new URI(uri).getRawAuthority();
      return authority != null && allows(authority);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Whether {@code authority} ({@code host}, {@code host:port}, {@code [v6]:port}) names this listener. */
  boolean allows(String authority) {
    return hostOf(authority).map(h -> address(h)
        .map(ip -> ip.isLoopbackAddress() || everyAddress || addresses.contains(ip))
        .orElseGet(() -> names.contains(h))).orElse(false);
  }

  /** The host of an authority, lower-case and without brackets; empty when it is not a well-formed authority. */
  static Optional<String> hostOf(String authority) {
    String a = authority.trim().toLowerCase(Locale.ROOT);
    String host;
    String rest;
    if (a.startsWith("[")) {
      int end = a.indexOf(']');
      if (end < 0) {
        return Optional.empty();
      }
      host = a.substring(1, end);
      rest = a.substring(end + 1);
      if (!NetUtil.isValidIpV6Address(host)) {
        return Optional.empty();
      }
    } else {
      int colon = a.indexOf(':');
      host = colon < 0 ? a : a.substring(0, colon);
      rest = colon < 0 ? "" : a.substring(colon);
    }
    if (!rest.isEmpty() && !(rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches())) {
      return Optional.empty();
    }
    return host.isEmpty() ? Optional.empty() : Optional.of(host);
  }

  /** An IP literal (IPv6 with or without brackets), never a name lookup. */
  private static Optional<InetAddress> address(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return Optional.ofNullable(NetUtil.createInetAddressFromIpAddressString(h));
  }
}
