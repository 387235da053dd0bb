package io.tollgate.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The whole validated configuration: the YAML file with the environment's overrides applied. Immutable.
 *
 * @param gate the data plane listener
 * @param admin the control plane listener
 * @param storeUrl {@code sqlite:PATH} or {@code jdbc:postgresql://…}
 * @param dataDir where the SQLite file, the generated HMAC secret and other local state live
 * @param tiersFile the tier catalog file; empty means the built-in catalog
 * @param defaultTier the tier of a customer created without one
 * @param routes gate routes, first match wins
 * @param metering how usage reaches the store
 * @param keys key format and hashing
 * @param retention how long deactivated customers are kept
 * @param sourceFile the file this was read from; empty when only defaults and environment were used
 */
public record TollgateConfig(
    Gate gate,
    Admin admin,
    String storeUrl,
    Path dataDir,
    Optional<Path> tiersFile,
    String defaultTier,
    List<RouteSpec> routes,
    Metering metering,
    Keys keys,
    Retention retention,
    Optional<Path> sourceFile) {

  /**
   * @param listen address of the gate listener
   * @param engine where allowed requests are forwarded
   * @param serviceKeys keys that backends present to {@code POST /v1/verify}
   */
  public record Gate(HostPort listen, URI engine, List<String> serviceKeys) {}

  /**
   * @param listen address of the admin listener
   * @param adminKeys admin keys from configuration and {@code TOLLGATE_ADMIN_KEY}; empty means generate one
   * @param maxBodyBytes largest admin request body accepted
   */
  public record Admin(HostPort listen, List<String> adminKeys, int maxBodyBytes) {}

  /**
   * @param durability {@code batch} or {@code strict}
   * @param flushInterval the longest time usage waits in memory before it is written
   */
  public record Metering(String durability, Duration flushInterval) {}

  /**
   * @param prefix the first part of every key, e.g. {@code tg}
   * @param hmacSecret the server secret keys are hashed with; empty means the one kept in the data directory
   */
  public record Keys(String prefix, Optional<String> hmacSecret) {}

  /**
   * @param deactivated how long a deactivated customer and its usage are kept before they are purged
   * @param purgeInterval how often the purge runs
   */
  public record Retention(Duration deactivated, Duration purgeInterval) {}
}
