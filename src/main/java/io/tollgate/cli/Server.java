package io.tollgate.cli;

import io.tollgate.admin.AdminServer;
import io.tollgate.config.Catalog;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.InvalidConfigException;
import io.tollgate.config.NodeIds;
import io.tollgate.config.TollgateConfig;
import io.tollgate.files.PrivateFiles;
import io.tollgate.gate.GateListener;
import io.tollgate.gate.GateServer;
import io.tollgate.gate.Limiter;
import io.tollgate.gate.redis.FallbackLimiter;
import io.tollgate.gate.redis.LeasingLimiter;
import io.tollgate.gate.redis.RedisLimiter;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyHasher;
import io.tollgate.keys.ServerSecret;
import io.tollgate.limits.Account;
import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.QuotaLedger;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimiter;
import io.tollgate.metering.BatchingUsageRecorder;
import io.tollgate.metering.Durability;
import io.tollgate.metering.RecentRefusals;
import io.tollgate.metering.UsageBatch;
import io.tollgate.metering.UsageRecorder;
import io.tollgate.metering.UsageReports;
import io.tollgate.metering.UsageSpill;
import io.tollgate.metering.UsageStore;
import io.tollgate.registry.AdminKeyring;
import io.tollgate.registry.ChangeReceiver;
import io.tollgate.registry.CustomerService;
import io.tollgate.registry.KeyActivity;
import io.tollgate.registry.KeyIssuer;
import io.tollgate.registry.KeyService;
import io.tollgate.registry.LiveRegistry;
import io.tollgate.registry.RetentionJob;
import io.tollgate.registry.SecretFingerprint;
import io.tollgate.store.Database;
import io.tollgate.metering.SlaTargets;
import io.tollgate.metering.UsageThresholds;
import io.tollgate.webhooks.Backoff;
import io.tollgate.webhooks.Destinations;
import io.tollgate.webhooks.delivery.WebhookDeliverer;
import io.tollgate.gate.GateObserver;
import io.tollgate.telemetry.AccessLog;
import io.tollgate.telemetry.GateMetrics;
import io.tollgate.telemetry.LimitsMetrics;
import io.tollgate.telemetry.LogFormat;
import io.tollgate.telemetry.MeteringMetrics;
import io.tollgate.telemetry.Metrics;
import io.tollgate.telemetry.RegistryMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.io.PrintStream;
import java.time.Instant;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tollgate: the store, the in-memory registry, and both listeners, wired from one configuration.
 * {@link #close()} stops everything.
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);

  /** The transport both listeners run on, for the start line; why the native one did not load, when asked for. */
  private static String transport(Vertx vertx, TollgateConfig.Gate gate) {
    if (vertx.isNativeTransportEnabled()) {
      return "epoll (native)";
    }
    if (!gate.nativeTransport()) {
      return "nio (gate.native_transport: false)";
    }
    Throwable cause = vertx.unavailableNativeTransportCause();
    return "nio (native epoll unavailable: " + (cause == null ? "unknown" : cause.getMessage()) + ")";
  }
  /** How often keys' last_used_at is written: it is exact to this interval. */
  static final long KEY_ACTIVITY_FLUSH_MS = 5000;
  /** How often the store's health is checked for the metrics. */
  static final long STORE_CHECK_MS = 5000;

  /** How long a stop waits for the settlements owed to Redis. */
  private static final Duration LIMITS_FLUSH = Duration.ofSeconds(2);
  private final Vertx vertx;
  private final Database database;
  private final UsageRecorder recorder;
  private final UsageSpill spill;
  private final KeyActivity activity;
  private final HttpServer admin;
  private final GateListener gate;
  private final Duration drainTimeout;
  private final AtomicBoolean draining;
  private final Metrics metrics;
  private final Optional<AccessLog> accessLog;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ChangeReceiver feed;
  private final PeriodicJobs jobs;
  private final Optional<Limiter> sharedLimits;
  private final WebhookDeliverer webhooks;

  private Server(Vertx vertx, Database database, UsageRecorder recorder, UsageSpill spill, KeyActivity activity,
      HttpServer admin,
      GateListener gate, Duration drainTimeout, AtomicBoolean draining, Metrics metrics,
      Optional<AccessLog> accessLog, ChangeReceiver feed, PeriodicJobs jobs, Optional<Limiter> sharedLimits,
      WebhookDeliverer webhooks) {
    this.webhooks = webhooks;
    this.feed = feed;
    this.sharedLimits = sharedLimits;
    this.jobs = jobs;
    this.vertx = vertx;
    this.drainTimeout = drainTimeout;
    this.draining = draining;
    this.database = database;
    this.recorder = recorder;
    this.spill = spill;
    this.activity = activity;
    this.admin = admin;
    this.gate = gate;
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  /**
   * Opens the store, loads the registry and starts both listeners. Prints a generated first admin key to
   * {@code console}, once. Blocking.
   */
  public static Server start(TollgateConfig cfg, Map<String, String> env, PrintStream console) {
    LogFormat.apply(cfg.logging());
    InstantSource clock = InstantSource.system();
    warnIfOpen(cfg.dataDir());
    Catalog catalog = Catalog.of(cfg);
    String nodeId = NodeIds.resolve(cfg.nodeId(), cfg.dataDir());
    Database database = Database.open(cfg.storeUrl(), nodeId);
    Vertx vertx = null;
    ChangeReceiver feed = null;
    UsageRecorder recorder = null;
    UsageSpill spill = null;
    KeyActivity activity = null;
    PeriodicJobs jobs = null;
    WebhookDeliverer webhooks = null;
    Metrics metrics = new Metrics();
    Optional<AccessLog> accessLog = Optional.empty();
    AtomicBoolean draining = new AtomicBoolean();
    try {
      KeyHasher hasher = KeyHasher.hmac(ServerSecret.load(cfg.keys().hmacSecret(), cfg.dataDir()));
      SecretFingerprint.verify(database.registry(), hasher, clock);
      ApiKeyFormat format = new ApiKeyFormat(cfg.keys().prefix());
      LiveRegistry live = loadRegistry(database, catalog);
      feed = ChangeReceiver.start(live, database.registry(), database.changeSignal(), cfg.registry(), nodeId,
          () -> reread(cfg, env));
      KeyIssuer issuer = new KeyIssuer(format, hasher);
      AdminKeyring.Bootstrap bootstrap =
          AdminKeyring.bootstrap(database.registry(), hasher, format, cfg.admin().adminKeys(), clock);
      bootstrap.generated().ifPresent(key -> printFirstAdminKey(console, key));

      spill = UsageSpill.open(cfg.dataDir().resolve("spill"), cfg.metering().spillMaxBytes());
      vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(cfg.gate().nativeTransport()));
      RecentRefusals recentRefusals = new RecentRefusals(clock);
      AdminServer.Dependencies deps = new AdminServer.Dependencies(database.registry(), live,
          new CustomerService(database.registry(), live, live::catalog, issuer, clock),
          new KeyService(database.registry(), live, issuer, clock),
          new UsageReports(database.usage(), clock), recentRefusals, bootstrap.keyring(),
          () -> reread(cfg, env), cfg.admin().maxBodyBytes(), metrics, clock, draining::get, spill::status,
          database.webhooks(), new Destinations(cfg.webhooks().allowPrivate()));
      HttpServer admin = await(AdminServer.start(vertx, cfg.admin(), deps));
      MeteringMetrics meteringMetrics = new MeteringMetrics(metrics.registry());
      // the seeds are read before the recorder replays what a process before this one spilled: each spilled batch
      // the store takes from now on is added to the counters, none is counted twice or missed
      QuotaLedger ledger = seededLedger(database.usage(), clock);
      recorder = recentRefusals.observing(BatchingUsageRecorder.start(database.usage(),
          cfg.metering().flushInterval(), Durability.fromConfig(cfg.metering().durability()),
          UUID.randomUUID().toString(), clock, cfg.metering().strictCommitTimeout(), meteringMetrics, spill,
          batch -> inherit(ledger, live, database.usage(), batch)));
      meteringMetrics.watch(recorder, spill);
      activity = new KeyActivity(database.registry());
      accessLog = AccessLog.start(cfg.accessLog(), metrics.registry());
      GateObserver observer = new GateMetrics(metrics.registry(), cfg.metrics());
      if (accessLog.isPresent()) {
        observer = observer.andThen(accessLog.get());
      }
      Vertx v = vertx;
      RedisLimiter.Seeds stored = storedUsage(database.usage());
      Optional<RedisLimiter> redis = cfg.limits().redisUrl()
          .map(url -> RedisLimiter.connect(v, url, cfg.limits().redisTimeout(), stored, nodeId));
      Optional<Limiter> shared = redis.map(r -> sharedLimits(v, r, stored, cfg.limits(), metrics, clock));
      GateServer.Dependencies gateDeps = new GateServer.Dependencies(cfg.gate(), live, database.registry(), format,
          hasher, new RateLimiter(clock), ledger, shared, recorder, activity,
          Durability.fromConfig(cfg.metering().durability()) == Durability.STRICT, observer, clock);
      GateListener gate = await(GateServer.start(vertx, gateDeps));
      metrics.bindJvmMeters(); // off the path to listening; a scrape before this binds them itself
      database.watchUsageThresholds(usageThresholds(live, cfg.webhooks().usageThresholds()));
      database.watchSla(slaTargets(live));
      database.watchRateLimits(cfg.webhooks().sustainedRateLimit());
      webhooks = WebhookDeliverer.start(database.webhooks(), vertx,
          new Destinations(cfg.webhooks().allowPrivate()), new WebhookDeliverer.Settings(
              cfg.webhooks().pollInterval(), new Backoff(cfg.webhooks().retryBase(), cfg.webhooks().retryMax()),
              cfg.webhooks().disableAfter(), cfg.webhooks().keyExpiryScan()), nodeId, clock);
      jobs = new PeriodicJobs(vertx);
      scheduleStoreCheck(jobs, database, new RegistryMetrics(metrics.registry(), live));
      schedulePurge(jobs, new RetentionJob(database.registry(), live, cfg.retention().deactivated(), clock),
          cfg.retention().purgeInterval().toMillis());
      scheduleKeyActivity(jobs, activity);
      LOG.info("tollgate started: node {}, store {}, {} customers, {} keys, transport {}", nodeId,
          database.dialectName(), live.counts().customers(), live.counts().keys(), transport(vertx, cfg.gate()));
      return new Server(vertx, database, recorder, spill, activity, admin, gate, cfg.gate().drainTimeout(), draining,
          metrics, accessLog, feed, jobs, shared, webhooks);
    } catch (RuntimeException e) {
      if (webhooks != null) {
        webhooks.close();
      }
      if (jobs != null) {
        jobs.stop();
      }
      if (feed != null) {
        feed.close();
      }
      if (vertx != null) {
        vertx.close();
      }
      if (recorder != null) {
        recorder.close();
      }
      if (spill != null) {
        spill.close();
      }
      accessLog.ifPresent(AccessLog::close);
      metrics.close();
      database.close();
      throw e;
    }
  }

  /**
   * Pays what the drained gate still owes the shared counters (coalesced settlements, the rest of its leases), so
   * that a restart does not leave them short; waits at most {@link #LIMITS_FLUSH}.
   */
  private static void flushLimits(Limiter limits) {
    try {
      limits.flush().toCompletionStage().toCompletableFuture().get(LIMITS_FLUSH.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("settlements owed to Redis not all written at stop: {}", e.toString());
    }
  }

  /**
   * Quota counters seeded with what the store holds for the current month and year; the instant is taken before the
   * store is read, so the seeds count only for customers created by then (see {@code QuotaLedger}).
   */
  private static QuotaLedger seededLedger(UsageStore usage, InstantSource clock) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    BillingPeriod month = QuotaPeriod.MONTH.containing(today);
    BillingPeriod year = QuotaPeriod.YEAR.containing(today);
    return new QuotaLedger(usage.unitsByCustomer(month.firstDay(), month.endDay()),
        usage.unitsByCustomer(year.firstDay(), year.endDay()), now);
  }

  /**
   * Adds to {@code ledger} the usage of a batch that a process before this one spilled and that the store took only
   * now, after the seeds were read: for each row's customer as the registry holds it (a customer no longer there has
   * no counters to correct).
   */
  private static void inherit(QuotaLedger ledger, LiveRegistry live, UsageStore usage, UsageBatch batch) {
    // rows of keys purged since are not the usage of a customer in the registry, even one with the same id: the
    // store left them out of the batch, and the counters must too
    java.util.Set<String> purged = usage.purgedKeys(java.util.stream.Stream.concat(batch.usage().stream(),
        batch.takenBack().stream()).map(UsageBatch.UsageRow::keyId).toList());
    batch.usage().stream().filter(row -> !purged.contains(row.keyId()))
        .forEach(row -> inherit(ledger, live, row, row.units().milli()));
    batch.takenBack().stream().filter(row -> !purged.contains(row.keyId()))
        .forEach(row -> inherit(ledger, live, row, -row.units().milli()));
  }

  private static void inherit(QuotaLedger ledger, LiveRegistry live, UsageBatch.UsageRow row, long milli) {
    live.view().findCustomer(row.customerId()).ifPresent(e -> ledger.inherit(
        new Account(e.customer().id(), e.customer().createdAt()), row.day(), milli));
  }

  /** The shared limits on {@code redis}, falling back to this node's share when asked, with their meters. */
  private static Limiter sharedLimits(Vertx vertx, RedisLimiter redis, RedisLimiter.Seeds stored,
      TollgateConfig.Limits cfg, Metrics metrics, InstantSource clock) {
    LeasingLimiter leasing = new LeasingLimiter(vertx, redis);
    Optional<FallbackLimiter> fallback = cfg.localWhenRedisDown()
        ? Optional.of(new FallbackLimiter(vertx, leasing, redis, stored, clock)) : Optional.empty();
    LimitsMetrics.register(metrics.registry(), redis, fallback);
    return fallback.<Limiter>map(f -> f).orElse(leasing);
  }

  /**
   * An account's billed units in a period as the store holds them now (from the day it was created, so that a
   * customer created again does not inherit the usage of the one before): what a shared counter missing in Redis is
   * seeded with. Usage still in a node's metering batch (at most one flush interval) is not in it.
   */
  private static RedisLimiter.Seeds storedUsage(UsageStore usage) {
    return (account, period) -> {
      LocalDate created = LocalDate.ofInstant(account.createdAt(), ZoneOffset.UTC);
      LocalDate from = created.isAfter(period.firstDay()) ? created : period.firstDay();
      return from.isBefore(period.endDay()) ? usage.totals(account.customerId(), from, period.endDay()).units()
          : io.tollgate.limits.Units.ZERO;
    };
  }

  /**
   * Every customer with a quota above zero is watched at the thresholds of its own override, else of its tier, else
   * {@code configured}, of its effective quota (its tier's, or its own override), read from the in-memory registry.
   */
  private static UsageThresholds usageThresholds(LiveRegistry live, List<Integer> configured) {
    return (customerId, day) -> live.view().findCustomer(customerId)
        .filter(e -> e.limits().quota().units().milli() > 0)
        .map(e -> new UsageThresholds.Watch(e.customer().tier(), e.limits().quota().units(),
            e.limits().quota().period().containing(day), e.customer().overrides().usageThresholds()
                .or(() -> live.catalog().tiers().find(e.customer().tier()).flatMap(t -> t.usageThresholds()))
                .orElse(configured), e.customer().createdAt()));
  }

  /**
   * Every customer whose tier the catalog has is watched at its tier's {@code sla}, over its quota period (the
   * period of its usage document), read from the in-memory registry.
   */
  private static SlaTargets slaTargets(LiveRegistry live) {
    return (customerId, day) -> live.view().findCustomer(customerId)
        .flatMap(e -> live.catalog().tiers().find(e.customer().tier())
            .map(t -> new SlaTargets.Target(t.name(), t.sla(), e.limits().quota().period().containing(day),
                e.customer().createdAt())));
  }

  private static LiveRegistry loadRegistry(Database database, Catalog catalog) {
    try {
      return LiveRegistry.load(database.registry(), catalog);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("tiers: " + e.getMessage());
    }
  }

  /** The reloadable part of the configuration file, read again; says which changed keys need a restart. */
  private static Catalog reread(TollgateConfig running, Map<String, String> env) {
    TollgateConfig fresh = ConfigLoader.load(running.sourceFile(), env);
    Map<String, Boolean> unchanged = Map.ofEntries(
        Map.entry("gate", fresh.gate().equals(running.gate())),
        Map.entry("admin", fresh.admin().equals(running.admin())),
        Map.entry("store", fresh.storeUrl().equals(running.storeUrl()) && fresh.dataDir().equals(running.dataDir())),
        Map.entry("metering", fresh.metering().equals(running.metering())),
        Map.entry("keys", fresh.keys().equals(running.keys())),
        Map.entry("retention", fresh.retention().equals(running.retention())),
        Map.entry("metrics", fresh.metrics().equals(running.metrics())),
        Map.entry("access_log", fresh.accessLog().equals(running.accessLog())),
        Map.entry("logging", fresh.logging().equals(running.logging())),
        Map.entry("node", fresh.nodeId().equals(running.nodeId())),
        Map.entry("registry", fresh.registry().equals(running.registry())),
        Map.entry("limits", fresh.limits().equals(running.limits())),
        Map.entry("webhooks", fresh.webhooks().equals(running.webhooks())));
    unchanged.forEach((key, same) -> {
      if (!same) {
        LOG.warn("configuration key '{}' changed on disk; it takes effect only after a restart", key);
      }
    });
    return Catalog.of(fresh);
  }

  private static void warnIfOpen(java.nio.file.Path dataDir) {
    try {
      PrivateFiles.warnIfOpen(dataDir);
    } catch (java.io.IOException e) {
      LOG.warn("cannot read the permissions of the data directory {}: {}", dataDir, e.toString());
    }
  }

  private static void printFirstAdminKey(PrintStream console, String key) {
    console.println(String.join(System.lineSeparator(), List.of(
        "",
        "================================================================================",
        " No admin key was configured, so Tollgate generated one. It is shown only now:",
        "",
        "   " + key,
        "",
        " Keep it safe: only its hash is stored. Use it as 'Authorization: Bearer <key>'.",
        "================================================================================",
        "")));
    console.flush();
  }

  private static void scheduleKeyActivity(PeriodicJobs jobs, KeyActivity activity) {
    jobs.every(KEY_ACTIVITY_FLUSH_MS, KEY_ACTIVITY_FLUSH_MS, () -> {
      activity.flush();
      return null;
    }, ar -> {
      if (ar.failed()) {
        LOG.warn("last_used_at not written: {}", ar.cause().toString());
      }
    });
  }

  /** Checks the store every {@value #STORE_CHECK_MS} ms, off the event loop, for {@code tollgate_store_up}. */
  private static void scheduleStoreCheck(PeriodicJobs jobs, Database database, RegistryMetrics meters) {
    jobs.every(0, STORE_CHECK_MS, () -> database.registry().isHealthy(),
        ar -> meters.storeChecked(ar.succeeded() && ar.result()));
  }

  private static void schedulePurge(PeriodicJobs jobs, RetentionJob job, long intervalMillis) {
    jobs.every(0, intervalMillis, job::run, ar -> {
      if (ar.failed()) {
        LOG.warn("retention purge failed: {}", ar.cause().toString());
      } else if (!ar.result().isEmpty()) {
        LOG.info("retention purge removed {} deactivated customers", ar.result().size());
      }
    });
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a listener: " + (e.getCause() == null ? e : e.getCause()), e);
    }
  }

  public int adminPort() {
    return admin.actualPort();
  }

  public int gatePort() {
    return gate.port();
  }

  /** Blocks until {@link #close()} is called. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops: drains the gate (no new connection; requests in flight finish, for at most {@code gate.drain_timeout}),
   * closes both listeners and the engine connections, writes the usage still in memory and the keys'
   * {@code last_used_at}, and closes the store; see {@link GracefulStop#longestStop} for how long. Blocking;
   * idempotent.
   */
  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    draining.set(true); // the admin /health says so while the gate drains
    GracefulStop.drain(gate, drainTimeout);
    jobs.stop(); // before Vert.x closes its workers; last_used_at is written below
    long closedBy = System.nanoTime() + GracefulStop.LISTENERS_CLOSE.toNanos(); // jobs and Vert.x share the bound
    try {
      if (!jobs.awaitIdle(GracefulStop.LISTENERS_CLOSE)) {
        LOG.warn("a periodic job was still running after {}; stopping anyway", GracefulStop.LISTENERS_CLOSE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    webhooks.close(); // before Vert.x closes its HTTP client; what it did not record is attempted again later
    sharedLimits.ifPresent(Server::flushLimits);
    try {
      vertx.close().toCompletionStage().toCompletableFuture()
          .get(Math.max(0, closedBy - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      LOG.warn("listeners did not stop cleanly: {}", e.toString());
    }
    recorder.close();
    spill.close();
    accessLog.ifPresent(AccessLog::close);
    metrics.close();
    try {
      activity.flush();
    } catch (RuntimeException e) {
      LOG.warn("last_used_at not written at stop: {}", e.toString());
    }
    feed.close();
    database.close();
    stopped.countDown();
  }
}
