package io.tollgate.registry;

import java.util.Locale;

/** The state of one key at a given instant; derived from its timestamps, never stored. */
public enum KeyStatus {
  ACTIVE,
  REVOKED,
  EXPIRED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
