package io.tollgate.webhooks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a webhook may be sent. HTTPS only, and never to a private, loopback, link-local, unspecified or multicast
 * address, checked on the addresses the name resolves to at each attempt (the connection then goes to the
 * address checked, so a name that resolves differently a moment later cannot redirect it), and already when
 * the endpoint is made for a URL whose host is such an address written out; both are allowed when
 * {@code webhooks.allow_private: true}.
 */
public final class Destinations {
  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private final boolean allowPrivate;

  public Destinations(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /** Why {@code url} cannot be an endpoint's URL; empty when it can. */
  public Optional<String> refusal(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("must be an absolute http(s) URL");
    }
    String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      return Optional.of("must be an absolute http(s) URL with a host");
    }
    if (uri.getUserInfo() != null || uri.getFragment() != null) {
      return Optional.of("must not hold user information or a fragment");
    }
    if (scheme.equals("http") && !allowPrivate) {
      return Optional.of("must use https (plain http only with webhooks.allow_private: true)");
    }
    if (!allowPrivate && addressLiteral(uri.getHost()).filter(Destinations::isPrivate).isPresent()) {
      return Optional.of("must not be a private, loopback or link-local address"
          + " (allowed only with webhooks.allow_private: true)");
    }
    return Optional.empty();
  }

  /**
   * The address a URL's host names when it is an IP literal (dotted IPv4, or IPv6 in brackets), parsed without a
   * DNS lookup; empty for a name, which is checked after resolution at each attempt.
   */
  private static Optional<InetAddress> addressLiteral(String host) {
    boolean v6 = host.startsWith("[") && host.endsWith("]");
    if (!v6 && !IPV4_LITERAL.matcher(host).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(v6 ? host.substring(1, host.length() - 1) : host));
    } catch (UnknownHostException e) {
      return Optional.empty(); // not a valid literal: left to the attempt, which cannot resolve it either
    }
  }

  /**
   * The address to connect to for {@code host}: its first resolved address when every one it resolves to is
   * allowed.
   *
   * @throws UnknownHostException when it does not resolve
   * @throws RefusedAddress when one of its addresses is not allowed
   */
  public InetAddress resolve(String host) throws UnknownHostException {
    InetAddress[] all = InetAddress.getAllByName(host);
    if (!allowPrivate) {
      for (InetAddress a : all) {
        if (isPrivate(a)) {
          throw new RefusedAddress(host + " resolves to " + a.getHostAddress()
              + ", a private, loopback or link-local address (allowed only with webhooks.allow_private: true)");
        }
      }
    }
    return all[0];
  }

  /** Not a public unicast address. */
  static boolean isPrivate(InetAddress a) {
    if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      return (b[0] & 0xfe) == 0xfc; // unique local fc00::/7
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    return first == 0 || (first == 100 && second >= 64 && second < 128) // this network, shared CGNAT space
        || (first == 198 && (second == 18 || second == 19)) || first >= 240; // benchmarking, reserved
  }

  /** An address a webhook may not be sent to. */
  public static final class RefusedAddress extends UnknownHostException {
    RefusedAddress(String message) {
      super(message);
    }
  }
}
