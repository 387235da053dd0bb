package io.tollgate.keys;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Where a customer key is meant to be used; it is part of the key's text. */
public enum KeyEnvironment {
  LIVE,
  TEST;

  /** Every environment, in declaration order, without the copy {@code values()} makes per call. */
  public static final List<KeyEnvironment> ALL = List.of(values());

  /** Computed once: the gate reads it for every key it parses. */
  private final String wire = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wire;
  }

  public static Optional<KeyEnvironment> fromWire(String name) {
    return switch (name == null ? "" : name) {
      case "live" -> Optional.of(LIVE);
      case "test" -> Optional.of(TEST);
      default -> Optional.empty();
    };
  }
}
