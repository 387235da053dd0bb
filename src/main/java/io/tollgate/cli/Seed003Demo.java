package io.tollgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What {@code tollgate demo --seed-003} changes: a configuration in the data directory with seed 003's catalog
 * (examples/tiers-seed-003.yaml, bundled in the jar), {@code starter} as the default tier and {@code hx} as the key
 * prefix, and curl lines in seed 003's own words for the compatibility routes.
 */
final class Seed003Demo {
  static final String CATALOG = "tiers-seed-003.yaml";
  static final String CONFIG = "tollgate-seed-003.yaml";
  /** The key prefix of seed 003's keys ({@code hx_live_…}). */
  static final String PREFIX = "hx";

  private Seed003Demo() {}

  /** Writes the catalog and the configuration that names it into {@code dir}; returns the configuration file. */
  static Path writeConfig(Path dir) {
    try (InputStream catalog = Seed003Demo.class.getResourceAsStream(CATALOG)) {
      if (catalog == null) {
        throw new IllegalStateException(CATALOG + " is missing from the jar");
      }
      Files.createDirectories(dir);
      Files.copy(catalog, dir.resolve(CATALOG), StandardCopyOption.REPLACE_EXISTING);
      return Files.writeString(dir.resolve(CONFIG), String.join("\n",
          "# Written by `tollgate demo --seed-003`: seed 003's plans and key prefix.",
          "tiers: ./" + CATALOG,
          "default_tier: starter",
          "keys:",
          "  prefix: " + PREFIX,
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the seed 003 demo configuration into " + dir, e);
    }
  }

  /** The tour's lines for seed 003's routes, on the admin listener {@code admin} with the admin key {@code key}. */
  static List<String> tour(String admin, String key) {
    String auth = "-H 'Authorization: Bearer " + key + "'";
    String json = " -H 'Content-Type: application/json'";
    return List.of(
        "  # seed 003's admin routes (docs/compat-seed-003.md), as its scripts send them",
        "  curl -X POST " + admin + "/gate/onboard/create " + auth + json + " -d '{\"tenant_id\": \"acme-corp\","
            + " \"plan\": \"builder\", \"namespaces\": [\"default\", \"staging\", \"production\"],"
            + " \"email\": \"ops@acme.example\"}'",
        "  curl -X POST " + admin + "/gate/onboard/tier " + auth + json
            + " -d '{\"tenant_id\": \"acme-corp\", \"plan\": \"pro\"}'",
        "  curl " + admin + "/gate/tenants " + auth,
        "  curl " + admin + "/gate/usage/demo " + auth);
  }
}
