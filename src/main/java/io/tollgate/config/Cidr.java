package io.tollgate.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network, e.g. {@code 10.0.0.0/8}: used for the gate's trusted proxies. Immutable.
 *
 * @param network the network address bytes
 * @param prefix the prefix length in bits
 */
public record Cidr(byte[] network, int prefix) {
  private static final Pattern LITERAL = Pattern.compile("^[0-9a-fA-F:.]+$");

  /** Parses {@code addr/prefix} or a bare address (a /32 or /128); empty when it is neither. Never resolves names. */
  public static Optional<Cidr> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    if (!LITERAL.matcher(addr).matches()) {
      return Optional.empty();
    }
    try {
      byte[] bytes = InetAddress.getByName(addr).getAddress();
      int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
      return prefix < 0 || prefix > bytes.length * 8 ? Optional.empty() : Optional.of(new Cidr(bytes, prefix));
    } catch (UnknownHostException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  static boolean isValid(String text) {
    return parse(text).isPresent();
  }

  /** Whether {@code address} is in this network. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[full] & mask) == (network[full] & mask);
  }
}
