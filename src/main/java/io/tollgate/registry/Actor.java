package io.tollgate.registry;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Who made a registry change and through which API, as its audit entry records them.
 *
 * @param id the admin key id ({@code adm_…}), or {@value AuditEntry#SYSTEM} for what Tollgate did on its own
 * @param via the API the change came through
 */
public record Actor(String id, Via via) {
  /** Tollgate itself: the retention purge, the admin key generated at the first start. */
  public static final Actor SYSTEM = new Actor(AuditEntry.SYSTEM, Via.SYSTEM);

  public Actor {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(via, "via");
  }

  /** An admin key on the Admin API ({@code /admin/*}, which the CLI and the console use too). */
  public static Actor adminApi(String adminKeyId) {
    return new Actor(adminKeyId, Via.ADMIN_API);
  }

  /** An admin key on the seed 003 compatibility routes ({@code /gate/*}). */
  public static Actor compat(String adminKeyId) {
    return new Actor(adminKeyId, Via.COMPAT);
  }

  /** The API a change came through; its wire name is the audit entry's {@code via}. */
  public enum Via {
    ADMIN_API("admin_api"),
    COMPAT("compat"),
    SYSTEM("system");

    private final String wireName;

    Via(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    /** The value of {@code wire}; empty when it names none. */
    public static Optional<Via> fromWire(String wire) {
      return Arrays.stream(values()).filter(v -> v.wireName.equals(wire)).findFirst();
    }
  }
}
