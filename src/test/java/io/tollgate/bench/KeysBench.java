package io.tollgate.bench;

import io.tollgate.config.Catalog;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.TollgateConfig;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.keys.KeyHasher;
import io.tollgate.keys.ServerSecret;
import io.tollgate.registry.CustomerStatus;
import io.tollgate.registry.LimitOverrides;
import io.tollgate.registry.LiveRegistry;
import io.tollgate.registry.RegistryLoadSink;
import io.tollgate.registry.RegistryReload;
import io.tollgate.registry.RegistryStore;
import io.tollgate.store.Database;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * The registry half of {@code bench/keys-1m.sh}, run with {@code java -cp target/tollgate.jar:target/test-classes}.
 * Not a test (surefire never picks it up).
 *
 * <ul>
 *   <li>{@code populate DATA_DIR N}: a fresh SQLite store under {@code DATA_DIR} (schema by the store's own
 *       migrations) with N customers and one key each, written in one transaction with batched prepared inserts.
 *       Every key is a well-formed key of the server's format (valid checksum, key ids as long as real ones) and
 *       its digest the real HMAC-SHA256 with the data directory's server secret, so lookups work. The last
 *       customer, {@code bench}, has limits no benchmark reaches; its key is printed as {@code BENCH_KEY=…}.
 *   <li>{@code measure DATA_DIR [STORE_URL]}: (STORE_URL: another store holding the same rows, e.g. a PostgreSQL
 *       one filled by {@code tollgate migrate --from sqlite:DATA_DIR/tollgate.db}) times {@link LiveRegistry#load} in a fresh JVM (as at start), then
 *       {@link RegistryStore#loadInto} alone into a counting sink (the store's share) and two {@link LiveRegistry#reload}s, and the heap
 *       the loaded view holds per key (used heap after full GCs, before and after). With each load and reload the
 *       CPU of the calling thread (customers, then {@code adopt} and the build) and of the keys' thread
 *       ({@code *_keys_thread_cpu_s}). Prints {@code name=value} lines.
 * </ul>
 */
public final class KeysBench {
  /** Limits far above anything a benchmark run sends: 10^9 requests per second, 10^12 units per year. */
  static final String UNLIMITED = "{\"quota_units_milli\":1000000000000000,\"quota_period\":\"year\","
      + "\"requests\":1000000000,\"window_s\":1,\"burst\":1000000000}";
  private static final int BATCH = 10_000;
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private KeysBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 3 && args[0].equals("populate")) {
      populate(Path.of(args[1]), Integer.parseInt(args[2]));
    } else if (args.length >= 2 && args[0].equals("measure")) {
      measure(Path.of(args[1]), args.length >= 3 ? Optional.of(args[2]) : Optional.empty());
    } else {
      System.err.println("usage: KeysBench populate DATA_DIR CUSTOMERS | measure DATA_DIR [STORE_URL]");
      System.exit(2);
    }
  }

  private static TollgateConfig config(Path dataDir) {
    return ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_DATA_DIR", dataDir.toString()));
  }

  static void populate(Path dataDir, int customers) throws Exception {
    Files.createDirectories(dataDir);
    TollgateConfig cfg = config(dataDir);
    try (Database db = Database.open(cfg.storeUrl())) {
      if (db.registry().findCustomer("bench").isPresent()) {
        throw new IllegalStateException(cfg.storeUrl() + " already has customers: populate a fresh directory");
      }
    }
    KeyHasher hasher = KeyHasher.hmac(ServerSecret.load(cfg.keys().hmacSecret(), cfg.dataDir()));
    ApiKeyFormat format = new ApiKeyFormat(cfg.keys().prefix());
    long t0 = System.nanoTime();
    String[] secrets = new String[customers];
    String[] digests = new String[customers];
    String[] keyIds = new String[customers];
    IntStream.range(0, customers).parallel().forEach(i -> {
      secrets[i] = i == customers - 1 ? format.newKey(KeyEnvironment.LIVE) : fastKey(format.prefix());
      digests[i] = hasher.digest(secrets[i]).toHex();
      keyIds[i] = String.format("key_bench%011d", i);
    });
    if (format.parseCustomerKey(secrets[0]).isEmpty()) {
      throw new IllegalStateException("a generated key is not well-formed");
    }
    long t1 = System.nanoTime();
    String path = cfg.storeUrl().replaceFirst("^(jdbc:)?sqlite:", "");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA synchronous = OFF");
        s.execute("PRAGMA cache_size = -1000000");
      }
      c.setAutoCommit(false);
      long now = System.currentTimeMillis();
      try (PreparedStatement pc = c.prepareStatement("INSERT INTO customers (customer_id, name, email, tier,"
          + " namespaces, status, metadata, overrides, created_at, updated_at, deactivated_at, version)"
          + " VALUES (?, NULL, NULL, 'starter', '[\"default\"]', 'active', '{}', ?, ?, ?, NULL, 1)");
          PreparedStatement pk = c.prepareStatement("INSERT INTO api_keys (key_id, customer_id, name, environment,"
              + " display_prefix, digest, namespaces, created_at, revoked_at, expires_at, last_used_at, replaces)"
              + " VALUES (?, ?, NULL, 'live', ?, ?, '[]', ?, NULL, NULL, NULL, NULL)")) {
        for (int i = 0; i < customers; i++) {
          boolean bench = i == customers - 1;
          String id = bench ? "bench" : String.format("c%07d", i);
          pc.setString(1, id);
          pc.setString(2, bench ? UNLIMITED : "{}");
          pc.setLong(3, now);
          pc.setLong(4, now);
          pc.addBatch();
          pk.setString(1, keyIds[i]);
          pk.setString(2, id);
          pk.setString(3, ApiKeyFormat.displayPrefix(secrets[i]));
          pk.setString(4, digests[i]);
          pk.setLong(5, now);
          pk.addBatch();
          if ((i + 1) % BATCH == 0 || bench) {
            pc.executeBatch();
            pk.executeBatch();
          }
        }
      }
      c.commit();
    }
    long t2 = System.nanoTime();
    System.out.printf("populated=%d%nkeys_generated_s=%.2f%ninserted_s=%.2f%n", customers, (t1 - t0) / 1e9,
        (t2 - t1) / 1e9);
    System.out.println("BENCH_KEY=" + secrets[customers - 1]);
  }

  /**
   * A well-formed key of the server's format with a valid checksum, its secret from a fast non-cryptographic
   * generator: {@code SecureRandom} would spend most of the set-up time on 999,999 keys no one ever presents.
   */
  private static String fastKey(String prefix) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder body = new StringBuilder(prefix).append("_live_");
    for (int i = 0; i < ApiKeyFormat.SECRET_LENGTH; i++) {
      body.append(BASE62.charAt(r.nextInt(BASE62.length())));
    }
    return body + ApiKeyFormat.checksum(body.toString());
  }

  static void measure(Path dataDir, Optional<String> storeUrl) {
    TollgateConfig cfg = config(dataDir);
    Catalog catalog = Catalog.of(cfg);
    try (Database db = Database.open(storeUrl.orElse(cfg.storeUrl()))) {
      RegistryStore store = db.registry();
      KeysThreadCpu keysThread = KeysThreadCpu.start();
      long before = usedAfterGc();
      long c0 = processCpuNanos();
      long tc0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      keysThread.reset();
      long t0 = System.nanoTime();
      LiveRegistry live = LiveRegistry.load(store, catalog); // as at start: a fresh JVM, nothing compiled yet
      long t1 = System.nanoTime();
      long tc1 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long c1 = processCpuNanos();
      long after = usedAfterGc();
      int keys = live.counts().keys();
      System.out.printf("customers=%d%nkeys=%d%nload_s=%.3f%n", live.counts().customers(), keys, (t1 - t0) / 1e9);
      // CPU time is steadier than wall time on a shared machine; the process's includes GC and JIT threads
      System.out.printf("load_thread_cpu_s=%.3f%nload_keys_thread_cpu_s=%.3f%nload_process_cpu_s=%.3f%n",
          (tc1 - tc0) / 1e9, keysThread.seconds(), (c1 - c0) / 1e9);
      System.out.printf("view_heap_bytes=%d%nheap_bytes_per_key=%.0f%n", after - before,
          (after - before) / (double) Math.max(1, keys));
      long t2 = System.nanoTime();
      int snapshot = streamedKeys(store);
      System.out.printf("stream_only_s=%.3f%n", (System.nanoTime() - t2) / 1e9);
      for (int i = 1; i <= 2; i++) {
        long r0 = System.nanoTime();
        long rc0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        keysThread.reset();
        new RegistryReload(live, store, () -> catalog, InstantSource.system()).reload(io.tollgate.registry.Actor.adminApi("bench"));
        long rc1 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        System.out.printf("reload_%d_s=%.3f%nreload_%d_thread_cpu_s=%.3f%nreload_%d_keys_thread_cpu_s=%.3f%n", i,
            (System.nanoTime() - r0) / 1e9, i, (rc1 - rc0) / 1e9, i, keysThread.seconds());
      }
      System.out.printf("max_heap_mb=%d%n", Runtime.getRuntime().maxMemory() >> 20);
      if (snapshot != keys || live.view().keyCount() != keys) {
        throw new IllegalStateException("the view lost keys: " + keys + " vs " + snapshot);
      }
    }
  }

  /**
   * The CPU time of the registry's keys' thread ({@code registry-load-keys}, one per load), which ends before the load
   * returns: a daemon polls {@link java.lang.management.ThreadMXBean#getThreadCpuTime} every millisecond and keeps
   * the last figure of each such thread, so a figure is low by at most the last millisecond's work.
   */
  private static final class KeysThreadCpu {
    private final Map<Long, Long> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();

    static KeysThreadCpu start() {
      KeysThreadCpu probe = new KeysThreadCpu();
      Thread.ofPlatform().name("keys-thread-cpu").daemon().start(probe::poll);
      return probe;
    }

    private void poll() {
      var mx = ManagementFactory.getThreadMXBean();
      Thread[] threads = new Thread[256];
      while (true) {
        int n = Thread.enumerate(threads);
        for (int i = 0; i < n; i++) {
          if (threads[i].getName().equals("registry-load-keys")) {
            long cpu = mx.getThreadCpuTime(threads[i].threadId());
            if (cpu > 0) {
              lastSeen.put(threads[i].threadId(), cpu);
            }
          }
        }
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
    }

    void reset() {
      lastSeen.clear();
    }

    double seconds() {
      return lastSeen.values().stream().mapToLong(Long::longValue).sum() / 1e9;
    }
  }

  /** The store's share of a load: {@link RegistryStore#loadInto} into a sink that only counts the keys. */
  private static int streamedKeys(RegistryStore store) {
    int[] keys = new int[1];
    store.loadInto(new RegistryLoadSink() {
      @Override
      public void expect(int customers, int keyRows) {}

      @Override
      public void customer(String id, String tier, List<String> namespaces, CustomerStatus status,
          LimitOverrides overrides, long createdAtMillis, long version) {}

      @Override
      public void customerUtf8(byte[] id, String tier, List<String> namespaces, CustomerStatus status,
          LimitOverrides overrides, long createdAtMillis, long version) {}

      @Override
      public void key(String id, String customerId, KeyEnvironment environment, long w0, long w1, long w2,
          long w3, List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
        keys[0]++;
      }

      @Override
      public void keyUtf8(byte[] id, byte[] customerId, KeyEnvironment environment, long w0, long w1, long w2,
          long w3, List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
        keys[0]++;
      }
    });
    return keys[0];
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    long mx = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return Math.min(used, mx);
  }
}
