package io.tollgate.cli;

import io.tollgate.admin.AdminServer;
import io.tollgate.config.Catalog;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.InvalidConfigException;
import io.tollgate.config.TollgateConfig;
import io.tollgate.gate.GateServer;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyHasher;
import io.tollgate.keys.ServerSecret;
import io.tollgate.metering.UsageReports;
import io.tollgate.registry.AdminKeyring;
import io.tollgate.registry.CustomerService;
import io.tollgate.registry.KeyIssuer;
import io.tollgate.registry.KeyService;
import io.tollgate.registry.LiveRegistry;
import io.tollgate.registry.RetentionJob;
import io.tollgate.store.Database;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.PrintStream;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tollgate: the store, the in-memory registry, and both listeners, wired from one configuration.
 * {@link #close()} stops everything.
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);

  private final Vertx vertx;
  private final Database database;
  private final HttpServer admin;
  private final HttpServer gate;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Server(Vertx vertx, Database database, HttpServer admin, HttpServer gate) {
    this.vertx = vertx;
    this.database = database;
    this.admin = admin;
    this.gate = gate;
  }

  /**
   * Opens the store, loads the registry and starts both listeners. Prints a generated first admin key to
   * {@code console}, once. Blocking.
   */
  public static Server start(TollgateConfig cfg, Map<String, String> env, PrintStream console) {
    InstantSource clock = InstantSource.system();
    Catalog catalog = Catalog.of(cfg);
    Database database = Database.open(cfg.storeUrl());
    Vertx vertx = null;
    try {
      KeyHasher hasher = KeyHasher.hmac(ServerSecret.load(cfg.keys().hmacSecret(), cfg.dataDir()));
      ApiKeyFormat format = new ApiKeyFormat(cfg.keys().prefix());
      LiveRegistry live = loadRegistry(database, catalog);
      KeyIssuer issuer = new KeyIssuer(format, hasher);
      AdminKeyring.Bootstrap bootstrap =
          AdminKeyring.bootstrap(database.registry(), hasher, format, cfg.admin().adminKeys(), clock);
      bootstrap.generated().ifPresent(key -> printFirstAdminKey(console, key));

      vertx = Vertx.vertx();
      AdminServer.Dependencies deps = new AdminServer.Dependencies(database.registry(), live,
          new CustomerService(database.registry(), live, live::catalog, issuer, clock),
          new KeyService(database.registry(), live, issuer, clock),
          new UsageReports(database.usage(), clock), bootstrap.keyring(),
          () -> reread(cfg, env), cfg.admin().maxBodyBytes(), clock);
      HttpServer admin = await(AdminServer.start(vertx, cfg.admin().listen(), deps));
      HttpServer gate = await(GateServer.start(vertx, cfg.gate().listen(), database.registry()));
      schedulePurge(vertx, new RetentionJob(database.registry(), live, cfg.retention().deactivated(), clock),
          cfg.retention().purgeInterval().toMillis());
      LOG.info("tollgate started: store {}, {} customers, {} keys", database.dialectName(),
          live.counts().customers(), live.counts().keys());
      return new Server(vertx, database, admin, gate);
    } catch (RuntimeException e) {
      if (vertx != null) {
        vertx.close();
      }
      database.close();
      throw e;
    }
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
    Map<String, Boolean> unchanged = Map.of(
        "gate", fresh.gate().equals(running.gate()),
        "admin", fresh.admin().equals(running.admin()),
        "store", fresh.storeUrl().equals(running.storeUrl()) && fresh.dataDir().equals(running.dataDir()),
        "metering", fresh.metering().equals(running.metering()),
        "keys", fresh.keys().equals(running.keys()),
        "retention", fresh.retention().equals(running.retention()));
    unchanged.forEach((key, same) -> {
      if (!same) {
        LOG.warn("configuration key '{}' changed on disk; it takes effect only after a restart", key);
      }
    });
    return Catalog.of(fresh);
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

  private static void schedulePurge(Vertx vertx, RetentionJob job, long intervalMillis) {
    Runnable purge = () -> vertx.executeBlocking(job::run, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("retention purge failed: {}", ar.cause().toString());
      } else if (!ar.result().isEmpty()) {
        LOG.info("retention purge removed {} deactivated customers", ar.result().size());
      }
    });
    purge.run();
    vertx.setPeriodic(intervalMillis, id -> purge.run());
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
    return gate.actualPort();
  }

  /** Blocks until {@link #close()} is called. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("listeners did not stop cleanly: {}", e.toString());
    }
    database.close();
    stopped.countDown();
  }
}
