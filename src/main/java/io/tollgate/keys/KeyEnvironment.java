package io.tollgate.keys;

import java.util.Locale;
import java.util.Optional;

/** Where a customer key is meant to be used; it is part of the key's text. */
public enum KeyEnvironment {
  LIVE,
  TEST;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<KeyEnvironment> fromWire(String name) {
    return switch (name == null ? "" : name) {
      case "live" -> Optional.of(LIVE);
      case "test" -> Optional.of(TEST);
      default -> Optional.empty();
    };
  }
}
