package io.tollgate.registry;

import java.util.Locale;
import java.util.Optional;

/** The lifecycle of a customer: only {@code ACTIVE} customers' keys pass the gate. */
public enum CustomerStatus {
  ACTIVE,
  /** Every key refused with 403 until enabled again. */
  SUSPENDED,
  /** Soft-deleted: every key refused with 401; purged after the retention period. */
  DEACTIVATED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<CustomerStatus> fromWire(String name) {
    for (CustomerStatus s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
