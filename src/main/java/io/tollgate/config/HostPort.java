package io.tollgate.config;

import java.util.Optional;

/**
 * A listen address, {@code host:port}; port 0 asks the system for a free port.
 *
 * @param host interface address or name
 * @param port 0-65535
 */
public record HostPort(String host, int port) {
  public HostPort {
    if (host == null || host.isBlank() || port < 0 || port > 65535) {
      throw new IllegalArgumentException("expected host:port");
    }
  }

  /** Parses {@code 127.0.0.1:8081} or {@code [::1]:8081}; empty when it is not that shape. */
  public static Optional<HostPort> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return port < 0 || port > 65535 || host.isBlank() ? Optional.empty() : Optional.of(new HostPort(host, port));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
