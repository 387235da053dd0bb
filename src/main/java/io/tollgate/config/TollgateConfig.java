package io.tollgate.config;

import io.tollgate.limits.Units;
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
 * @param metrics what {@code GET /metrics} exposes
 * @param accessLog where the gate's access log goes
 * @param logging the format of Tollgate's own log
 * @param nodeId this node's configured id ({@code node.id}); empty means the one kept in the data directory
 * @param registry how the in-memory registry follows the store's change feed
 * @param limits where rate limits and quotas are counted: this node's memory, or a Redis every node shares
 * @param webhooks how webhook events are delivered
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
    Metrics metrics,
    AccessLog accessLog,
    Logging logging,
    Optional<String> nodeId,
    Registry registry,
    Limits limits,
    Webhooks webhooks,
    Optional<Path> sourceFile) {

  /**
   * @param allowPrivate whether endpoints may use plain http and private, loopback or link-local addresses
   * @param pollInterval how often the outbox is read for due deliveries when it had none
   * @param retryBase the wait after a delivery's first failed attempt; it doubles with each one
   * @param retryMax the longest wait between two attempts
   * @param disableAfter how long an endpoint may fail every attempt before it is disabled
   * @param usageThresholds the percents of the quota at which usage.threshold is sent, ascending
   * @param keyExpiryScan how often each node looks for keys expiring within 7 days (key.expiring)
   * @param sustainedRateLimit how long a customer must keep being refused with 429 for rate_limit.sustained
   */
  public record Webhooks(boolean allowPrivate, Duration pollInterval, Duration retryBase, Duration retryMax,
      Duration disableAfter, List<Integer> usageThresholds, Duration keyExpiryScan, Duration sustainedRateLimit) {
    public Webhooks {
      usageThresholds = List.copyOf(usageThresholds);
    }
  }

  /**
   * @param listen address of the gate listener
   * @param engine where allowed requests are forwarded
   * @param serviceKeys keys that backends present to {@code POST /v1/verify}
   * @param trustedProxies CIDRs whose {@code X-Forwarded-For} is kept and extended
   * @param edge limits and timeouts of the gate listener and the engine connection
   * @param drainTimeout at a stop, how long requests in flight may take to finish once no new connection is taken
   * @param nativeTransport whether both listeners and the engine client run on Netty's native epoll transport when
   *     it loads (the JDK's NIO transport otherwise, and always when false)
   */
  public record Gate(HostPort listen, URI engine, List<String> serviceKeys, List<String> trustedProxies, Edge edge,
      Duration drainTimeout, boolean nativeTransport) {
    /**
     * The engine URL for logs and messages: without a user and password and without a query, either of which may
     * hold a secret ({@code ***} marks what was left out).
     */
    public String engineForLogs() {
      StringBuilder b = new StringBuilder(engine.getScheme()).append("://");
      if (engine.getRawUserInfo() != null) {
        b.append("***@");
      }
      b.append(engine.getHost());
      if (engine.getPort() >= 0) {
        b.append(':').append(engine.getPort());
      }
      b.append(engine.getRawPath() == null ? "" : engine.getRawPath());
      if (engine.getRawQuery() != null) {
        b.append("?***");
      }
      return b.toString();
    }

    @Override
    public String toString() {
      return "Gate[listen=" + listen + ", engine=" + engineForLogs() + ", serviceKeys=" + serviceKeys.size()
          + ", trustedProxies=" + trustedProxies + ", edge=" + edge + ", drainTimeout=" + drainTimeout + "]";
    }
  }

  /**
   * What the gate's edge holds hostile or sloppy clients and a slow engine to.
   *
   * @param maxRequestLine longest request line (414 beyond)
   * @param maxHeaderBytes largest header block (431 beyond)
   * @param maxBodyBytes largest request body, declared or streamed (413 beyond)
   * @param headerTimeout time for a connection's request headers to arrive (then it is closed)
   * @param idleTimeout an idle keep-alive connection is closed after this
   * @param engineConnectTimeout time to connect to the engine (502 beyond)
   * @param engineTimeout time for the engine to answer (504 beyond)
   * @param enginePoolSize keep-alive connections to the engine, in total
   * @param dropUnderscoreHeaders whether client headers spelled with underscores that an engine could read as a
   *     header the gate sets or strips ({@code X_Tollgate_Customer}) are dropped before forwarding
   * @param maxUnitsPerRequest the most units one request may cost: a verify body asking more is a 400, an engine
   *     reporting more is billed the route's units, and no route may cost more
   */
  public record Edge(int maxRequestLine, int maxHeaderBytes, long maxBodyBytes, Duration headerTimeout,
      Duration idleTimeout, Duration engineConnectTimeout, Duration engineTimeout, int enginePoolSize,
      boolean dropUnderscoreHeaders, Units maxUnitsPerRequest) {}

  /**
   * @param listen address of the admin listener
   * @param adminKeys admin keys from configuration and {@code TOLLGATE_ADMIN_KEY}; empty means generate one
   * @param maxBodyBytes largest admin request body accepted
   * @param headerTimeout time for a connection's request headers to arrive (then it is closed)
   * @param idleTimeout an idle keep-alive connection is closed after this
   * @param maxConnections connections open at once; one beyond is closed as soon as it is accepted
   * @param maxFailedLogins requests without a valid admin key one client address may make in a row before it is
   *     answered 429
   * @param failedLoginInterval how often such an address gets one more try back
   * @param allowedHosts names (or addresses) besides the listen address and {@code localhost} that requests may
   *     carry in {@code Host}, lower-case; any other gets a 421 (DNS rebinding)
   */
  public record Admin(HostPort listen, List<String> adminKeys, int maxBodyBytes, Duration headerTimeout,
      Duration idleTimeout, int maxConnections, int maxFailedLogins, Duration failedLoginInterval,
      List<String> allowedHosts) {}

  /**
   * @param durability {@code batch} or {@code strict}
   * @param flushInterval the longest time usage waits in memory before it is written
   * @param strictCommitTimeout in strict mode, how long an answer waits for its usage to be durable before the
   *     request is answered {@code 503 store_unavailable} instead (and not billed)
   * @param spillMaxBytes the most {@code <data_dir>/spill/usage-spill.log} may hold (batch mode's batches, strict mode's
   *     refusals while a write fails); 0 turns spilling off
   */
  public record Metering(String durability, Duration flushInterval, Duration strictCommitTimeout,
      long spillMaxBytes) {}

  /**
   * @param prefix the first part of every key, e.g. {@code tg}
   * @param hmacSecret the server secret keys are hashed with; empty means the one kept in the data directory
   */
  public record Keys(String prefix, Optional<String> hmacSecret) {
    @Override
    public String toString() {
      return "Keys[prefix=" + prefix + ", hmacSecret=" + (hmacSecret.isPresent() ? "set" : "generated") + "]";
    }
  }

  /**
   * @param deactivated how long a deactivated customer and its usage are kept before they are purged
   * @param purgeInterval how often the purge runs
   */
  public record Retention(Duration deactivated, Duration purgeInterval) {}

  /**
   * @param perCustomer whether gate requests and units are also counted with a {@code customer} label
   * @param perCustomerLimit how many distinct customers get their own label; the rest are counted as {@code _other}
   */
  public record Metrics(boolean perCustomer, int perCustomerLimit) {}

  /** Where the access log goes. */
  public enum AccessLogTarget { OFF, STDOUT, FILE }

  /**
   * @param target off, stdout or a rotating file
   * @param file the file (when {@code target} is file); rotated files get a numbered suffix
   * @param maxFileBytes a file is rotated when it grows beyond this
   * @param maxFiles rotated files kept, besides the current one
   * @param queueSize lines waiting for the writer thread; beyond, lines are dropped and counted, never waited for
   */
  public record AccessLog(AccessLogTarget target, Path file, long maxFileBytes, int maxFiles, int queueSize) {}

  /**
   * @param pollInterval the longest wait between two catch-ups with the store's change feed (a lost notice costs
   *     at most this)
   * @param maxStaleness past this without a completed catch-up the registry counts as stale
   * @param refuseWhenStale whether a stale gate answers 503 instead of deciding ({@code on_stale: refuse})
   */
  public record Registry(Duration pollInterval, Duration maxStaleness, boolean refuseWhenStale) {}

  /** @param json whether Tollgate's own log is one JSON object per line instead of text */
  public record Logging(boolean json) {}

  /**
   * @param redisUrl {@code redis://[:password@]host:port[/db]} or {@code rediss://…} (TLS); empty: each node counts
   *     alone (exact on one node only). Holds a secret when it has a password: never log it
   * @param redisTimeout the longest a decision waits for Redis before it counts as unreachable
   * @param localWhenRedisDown {@code limits.on_redis_down: local}: while Redis is unreachable each node enforces its
   *     share of every limit (the limit divided by the live nodes last seen) instead of refusing ({@code refuse})
   */
  public record Limits(Optional<String> redisUrl, Duration redisTimeout, boolean localWhenRedisDown) {
    /** With {@code on_redis_down: refuse}. */
    public Limits(Optional<String> redisUrl, Duration redisTimeout) {
      this(redisUrl, redisTimeout, false);
    }

    @Override
    public String toString() {
      return "Limits[redis=" + (redisUrl.isPresent() ? "set" : "none") + ", redisTimeout=" + redisTimeout
          + ", onRedisDown=" + (localWhenRedisDown ? "local" : "refuse") + "]";
    }
  }
}
