package io.tollgate.metering;

import java.util.Locale;

/**
 * When a billed request's usage counts as recorded: the {@code metering.durability} setting.
 */
public enum Durability {
  /**
   * The caller goes on at once; usage becomes durable within about one flush window, so a crash
   * ({@code kill -9}) loses at most the usage of the last window and of a batch being retried.
   */
  BATCH,
  /**
   * The caller is told when the batch holding its usage has committed (group commit): nothing answered is lost,
   * and latency grows by about one store transaction.
   */
  STRICT;

  /**
   * Reads the configuration value {@code batch} or {@code strict} (case and surrounding blanks ignored).
   *
   * @throws IllegalArgumentException for any other text
   */
  public static Durability fromConfig(String value) {
    String name = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "batch" -> BATCH;
      case "strict" -> STRICT;
      default -> throw new IllegalArgumentException("metering durability must be batch or strict, not '" + value + "'");
    };
  }

  /** The configuration name: {@code batch} or {@code strict}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
