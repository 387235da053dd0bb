package io.tollgate.gate;

import io.tollgate.config.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** The configured {@code gate.trusted_proxies}: peers whose forwarding headers are kept. Empty by default. */
final class TrustedProxies {
  private final List<Cidr> networks;

  TrustedProxies(List<String> cidrs) {
    this.networks = cidrs.stream().map(c -> Cidr.parse(c).orElseThrow()).toList();
  }

  boolean trusts(String peerAddress) {
    if (networks.isEmpty() || peerAddress == null) {
      return false;
    }
    try {
      InetAddress a = InetAddress.getByName(peerAddress);
      return networks.stream().anyMatch(n -> n.contains(a));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
