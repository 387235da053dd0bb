package io.tollgate.config;

import io.netty.util.NetUtil;
import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.limits.Units;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds a {@link TollgateConfig} from an optional YAML file and the environment. Every key has a default; the
 * environment variables of the contract override their keys. Errors name the key (or variable) and the line.
 */
public final class ConfigLoader {
  private static final Set<String> TOP = Set.of("gate", "admin", "store", "data_dir", "tiers", "default_tier",
      "routes", "metering", "keys", "retention", "metrics", "access_log", "logging", "node", "registry", "limits",
      "webhooks");

  /**
   * Ends the error of a value that is refused as a whole: an error names the setting (and the line) but never
   * repeats the value, which may be or hold a secret (a URL with a user and password, a key pasted in the wrong
   * place).
   */
  static final String NOT_SHOWN = " (the value is not shown)";

  /**
   * Seed 003's variable for the key of its admin routes, read as one more admin key so that a seed 003
   * deployment's environment works unchanged (docs/compat-seed-003.md).
   */
  static final String SEED_003_ADMIN_KEY = "HX_GATE_ENGINE_SERVICE_KEY";

  /** The shortest admin key, service key or HMAC secret accepted. */
  static final int MIN_SECRET_LENGTH = 32;
  private static final String TOO_SHORT = "must have at least " + MIN_SECRET_LENGTH + " characters";

  private static final Pattern HOST_NAME = Pattern.compile(
      "^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");
  private static final String NOT_A_HOST = "must be a host name or an IP address without a port, got '";

  private static final BigDecimal DEFAULT_MAX_UNITS = BigDecimal.valueOf(1_000_000);

  private ConfigLoader() {}

  /** Reads {@code file} (when present) and applies {@code env} on top. */
  public static TollgateConfig load(Optional<Path> file, Map<String, String> env) {
    String text = "";
    if (file.isPresent()) {
      try {
        text = Files.readString(file.get());
      } catch (IOException e) {
        throw new InvalidConfigException("cannot read the configuration file " + file.get() + ": " + e.getMessage(), e);
      }
    }
    ConfigNode root = YamlDocument.parse(file.map(Path::toString).orElse("configuration"), text).root().onlyKeys(TOP);
    Path base = file.map(f -> f.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
    Path dataDir = Path.of(env(env, "TOLLGATE_DATA_DIR").orElse(root.get("data_dir").text("./data")));
    TollgateConfig.Gate gate = gate(root.get("gate"), env);
    TollgateConfig.Admin admin = admin(root.get("admin"), env);
    if (admin.adminKeys().stream().anyMatch(gate.serviceKeys()::contains)) {
      throw new InvalidConfigException("an admin key (admin.keys, TOLLGATE_ADMIN_KEY or " + SEED_003_ADMIN_KEY
          + ") is also a service key (gate.service_keys or TOLLGATE_SERVICE_KEY): backends hold the service key, so"
          + " it must never open the Admin API" + NOT_SHOWN);
    }
    return new TollgateConfig(
        gate,
        admin,
        storeUrl(root.get("store"), env, dataDir),
        dataDir,
        root.get("tiers").text().map(base::resolve),
        root.get("default_tier").text("starter"),
        RouteParser.parse(root.get("routes"), gate.edge().maxUnitsPerRequest()),
        metering(root.get("metering")),
        keys(root.get("keys"), env),
        retention(root.get("retention")),
        metrics(root.get("metrics")),
        accessLog(root.get("access_log"), env, dataDir),
        logging(root.get("logging"), env),
        nodeId(root.get("node"), env),
        registry(root.get("registry")),
        limits(root.get("limits"), env),
        webhooks(root.get("webhooks")),
        file);
  }

  private static Optional<String> env(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }

  private static HostPort listen(ConfigNode n, Map<String, String> env, String variable, String defaultValue) {
    Optional<String> fromEnv = env(env, variable);
    String text = fromEnv.orElseGet(() -> n.text(defaultValue));
    String message = "expected host:port, such as 127.0.0.1:8081" + NOT_SHOWN;
    return HostPort.parse(text).orElseThrow(() -> fromEnv.isPresent()
        ? new InvalidConfigException(variable + ": " + message) : n.fail(message));
  }

  private static TollgateConfig.Gate gate(ConfigNode g, Map<String, String> env) {
    g.onlyKeys(Set.of("listen", "engine", "service_keys", "trusted_proxies", "max_request_line", "max_header_bytes",
        "max_body_bytes", "header_timeout", "idle_timeout", "engine_connect_timeout", "engine_timeout",
        "engine_pool_size", "drop_underscore_headers", "max_units_per_request", "drain_timeout",
        "native_transport"));
    HostPort listen = listen(g.get("listen"), env, "TOLLGATE_GATE_LISTEN", "0.0.0.0:8080");
    Optional<String> engineEnv = env(env, "TOLLGATE_ENGINE_URL");
    String engine = engineEnv.orElseGet(() -> g.get("engine").text("http://127.0.0.1:9000"));
    URI uri;
    try {
      uri = new URI(engine);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      // never the URL itself: it may hold a user and password, or a token in its query
      String message = "expected an http(s) URL naming a host, such as http://127.0.0.1:9000" + NOT_SHOWN;
      throw engineEnv.isPresent() ? new InvalidConfigException("TOLLGATE_ENGINE_URL: " + message)
          : g.get("engine").fail(message);
    }
    List<String> serviceKeys = secrets(g.get("service_keys"), env, "TOLLGATE_SERVICE_KEY");
    List<String> trusted = texts(g.get("trusted_proxies"));
    for (int i = 0; i < trusted.size(); i++) {
      if (!Cidr.isValid(trusted.get(i))) {
        throw g.get("trusted_proxies").list().get(i).fail("must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8");
      }
    }
    Duration drain = positive(g.get("drain_timeout"), g.get("drain_timeout").duration().orElse(Duration.ofSeconds(30)));
    return new TollgateConfig.Gate(listen, uri, List.copyOf(serviceKeys), List.copyOf(trusted), edge(g), drain,
        g.get("native_transport").bool().orElse(true));
  }

  private static TollgateConfig.Edge edge(ConfigNode g) {
    return new TollgateConfig.Edge(
        (int) range(g.get("max_request_line"), g.get("max_request_line").bytes().orElse(8192L), 256, 1 << 20),
        (int) range(g.get("max_header_bytes"), g.get("max_header_bytes").bytes().orElse(32768L), 1024, 1 << 22),
        range(g.get("max_body_bytes"), g.get("max_body_bytes").bytes().orElse(100L << 20), 0, 1L << 40),
        positive(g.get("header_timeout"), g.get("header_timeout").duration().orElse(Duration.ofSeconds(10))),
        positive(g.get("idle_timeout"), g.get("idle_timeout").duration().orElse(Duration.ofSeconds(60))),
        positive(g.get("engine_connect_timeout"),
            g.get("engine_connect_timeout").duration().orElse(Duration.ofSeconds(5))),
        positive(g.get("engine_timeout"), g.get("engine_timeout").duration().orElse(Duration.ofSeconds(60))),
        (int) range(g.get("engine_pool_size"), g.get("engine_pool_size").integer().orElse(256L), 1, 100_000),
        g.get("drop_underscore_headers").bool().orElse(true),
        maxUnits(g.get("max_units_per_request")));
  }

  /** At most a billion units (10^12 milli-units): a quota counter then holds millions of such requests. */
  private static Units maxUnits(ConfigNode n) {
    BigDecimal value = n.decimal().orElse(DEFAULT_MAX_UNITS);
    if (value.compareTo(BigDecimal.ZERO) <= 0 || value.compareTo(BigDecimal.valueOf(1_000_000_000)) > 0) {
      throw n.fail("must be more than 0 and at most 1000000000");
    }
    return Units.parse(value).orElseThrow(() -> n.fail("must have at most three decimals"));
  }

  private static long range(ConfigNode n, long value, long min, long max) {
    if (value < min || value > max) {
      throw n.fail("must be between " + min + " and " + max);
    }
    return value;
  }

  private static Duration positive(ConfigNode n, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw n.fail("must be longer than zero");
    }
    return d;
  }

  private static TollgateConfig.Admin admin(ConfigNode a, Map<String, String> env) {
    a.onlyKeys(Set.of("listen", "keys", "max_body_bytes", "header_timeout", "idle_timeout", "max_connections",
        "max_failed_logins", "failed_login_interval", "allowed_hosts"));
    HostPort listen = listen(a.get("listen"), env, "TOLLGATE_ADMIN_LISTEN", "127.0.0.1:8081");
    List<String> keys = secrets(a.get("keys"), env, "TOLLGATE_ADMIN_KEY", SEED_003_ADMIN_KEY);
    long maxBody = a.get("max_body_bytes").integer().orElse(65536L);
    if (maxBody < 1024 || maxBody > 16 * 1024 * 1024) {
      throw a.get("max_body_bytes").fail("must be between 1024 and 16777216");
    }
    return new TollgateConfig.Admin(listen, List.copyOf(keys), (int) maxBody,
        positive(a.get("header_timeout"), a.get("header_timeout").duration().orElse(Duration.ofSeconds(10))),
        positive(a.get("idle_timeout"), a.get("idle_timeout").duration().orElse(Duration.ofSeconds(60))),
        (int) range(a.get("max_connections"), a.get("max_connections").integer().orElse(256L), 1, 65_536),
        (int) range(a.get("max_failed_logins"), a.get("max_failed_logins").integer().orElse(10L), 1, 1_000_000),
        positive(a.get("failed_login_interval"),
            a.get("failed_login_interval").duration().orElse(Duration.ofSeconds(1))),
        allowedHosts(a.get("allowed_hosts"), env));
  }

  /**
   * {@code admin.allowed_hosts}, and the comma-separated names of {@code TOLLGATE_ADMIN_ALLOWED_HOSTS} added: host
   * names ({@code admin.example.com}) or IP addresses ({@code 10.0.0.5}, {@code [fd00::5]}), without a port.
   */
  private static List<String> allowedHosts(ConfigNode list, Map<String, String> env) {
    List<String> hosts = new ArrayList<>();
    List<String> fromFile = texts(list);
    for (int i = 0; i < fromFile.size(); i++) {
      ConfigNode item = list.list().get(i);
      String host = fromFile.get(i);
      hosts.add(hostName(host).orElseThrow(() -> item.fail(NOT_A_HOST + host + "'")));
    }
    for (String host : env(env, "TOLLGATE_ADMIN_ALLOWED_HOSTS").map(v -> v.split(",", -1)).orElse(new String[0])) {
      hosts.add(hostName(host.trim()).orElseThrow(() ->
          new InvalidConfigException("TOLLGATE_ADMIN_ALLOWED_HOSTS: " + NOT_A_HOST + host.trim() + "'")));
    }
    return List.copyOf(hosts);
  }

  /** A host name or IP address, lower-case; empty when it is neither (a port, a scheme, a path, a wildcard). */
  private static Optional<String> hostName(String text) {
    String h = text.toLowerCase(Locale.ROOT);
    String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    boolean address = NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare);
    return address || HOST_NAME.matcher(h).matches() ? Optional.of(h) : Optional.empty();
  }

  /**
   * A list of keys from the file, and one more from {@code variable}: each at least {@link #MIN_SECRET_LENGTH}
   * characters, so that no one guesses it by trying. The error names the setting, never the key.
   */
  /** The keys of {@code list} and of each of {@code variables} that is set, each at least 32 characters. */
  private static List<String> secrets(ConfigNode list, Map<String, String> env, String... variables) {
    List<String> keys = texts(list);
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).length() < MIN_SECRET_LENGTH) {
        throw list.list().get(i).fail(TOO_SHORT);
      }
    }
    for (String variable : variables) {
      Optional<String> fromEnv = env(env, variable);
      if (fromEnv.isPresent() && fromEnv.get().length() < MIN_SECRET_LENGTH) {
        throw new InvalidConfigException(variable + ": " + TOO_SHORT);
      }
      fromEnv.ifPresent(keys::add);
    }
    return keys;
  }

  private static List<String> texts(ConfigNode list) {
    List<String> out = new ArrayList<>();
    for (ConfigNode item : list.list()) {
      String v = item.text().orElseThrow(() -> item.fail("must be a string"));
      if (v.isBlank()) {
        throw item.fail("must not be empty");
      }
      out.add(v);
    }
    return out;
  }

  private static String storeUrl(ConfigNode s, Map<String, String> env, Path dataDir) {
    s.onlyKeys(Set.of("url"));
    Optional<String> fromEnv = env(env, "TOLLGATE_STORE_URL");
    String url = fromEnv.orElseGet(() -> s.get("url").text("sqlite:" + dataDir.resolve("tollgate.db")));
    if (!(url.startsWith("sqlite:") || url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql://"))) {
      String message = "expected sqlite:PATH or jdbc:postgresql://host:port/db" + NOT_SHOWN;
      throw fromEnv.isPresent() ? new InvalidConfigException("TOLLGATE_STORE_URL: " + message)
          : s.get("url").fail(message);
    }
    return url;
  }

  private static TollgateConfig.Metering metering(ConfigNode m) {
    m.onlyKeys(Set.of("durability", "flush_interval_ms", "strict_commit_timeout", "spill_max_bytes"));
    String durability = m.get("durability").text("batch");
    if (!durability.equals("batch") && !durability.equals("strict")) {
      throw m.get("durability").fail("must be batch or strict");
    }
    long flush = m.get("flush_interval_ms").integer().orElse(100L);
    if (flush < 1 || flush > 60_000) {
      throw m.get("flush_interval_ms").fail("must be between 1 and 60000");
    }
    Duration commit = positive(m.get("strict_commit_timeout"),
        m.get("strict_commit_timeout").duration().orElse(Duration.ofSeconds(5)));
    long spill = range(m.get("spill_max_bytes"), m.get("spill_max_bytes").bytes().orElse(64L << 20), 0, 1L << 40);
    return new TollgateConfig.Metering(durability, Duration.ofMillis(flush), commit, spill);
  }

  private static TollgateConfig.Keys keys(ConfigNode k, Map<String, String> env) {
    k.onlyKeys(Set.of("prefix", "hmac_secret"));
    String prefix = k.get("prefix").text("tg");
    if (!ApiKeyFormat.isValidPrefix(prefix)) {
      throw k.get("prefix").fail("must be 2-10 lowercase letters or digits, starting with a letter");
    }
    Optional<String> fromEnv = env(env, "TOLLGATE_HMAC_SECRET");
    Optional<String> secret = fromEnv.or(() -> k.get("hmac_secret").text());
    if (secret.isPresent() && secret.get().length() < MIN_SECRET_LENGTH) {
      throw fromEnv.isPresent() ? new InvalidConfigException("TOLLGATE_HMAC_SECRET: " + TOO_SHORT)
          : k.get("hmac_secret").fail(TOO_SHORT);
    }
    return new TollgateConfig.Keys(prefix, secret);
  }

  private static TollgateConfig.Retention retention(ConfigNode r) {
    r.onlyKeys(Set.of("deactivated_days", "purge_interval_s"));
    long days = r.get("deactivated_days").integer().orElse(400L);
    if (days < 0 || days > 36_500) {
      throw r.get("deactivated_days").fail("must be between 0 and 36500");
    }
    long interval = r.get("purge_interval_s").integer().orElse(3600L);
    if (interval < 1) {
      throw r.get("purge_interval_s").fail("must be at least 1");
    }
    return new TollgateConfig.Retention(Duration.ofDays(days), Duration.ofSeconds(interval));
  }

  private static TollgateConfig.Metrics metrics(ConfigNode m) {
    m.onlyKeys(Set.of("per_customer", "per_customer_limit"));
    boolean perCustomer = m.get("per_customer").bool().orElse(false);
    long limit = range(m.get("per_customer_limit"), m.get("per_customer_limit").integer().orElse(1000L), 1, 100_000);
    return new TollgateConfig.Metrics(perCustomer, (int) limit);
  }

  private static TollgateConfig.AccessLog accessLog(ConfigNode a, Map<String, String> env, Path dataDir) {
    a.onlyKeys(Set.of("target", "file", "max_file_size", "max_files", "queue_size"));
    Optional<String> fromEnv = env(env, "TOLLGATE_ACCESS_LOG");
    ConfigNode targetNode = a.get("target");
    String target = fromEnv.orElseGet(() -> targetNode.isFalse() ? "off" : targetNode.text("off"));
    TollgateConfig.AccessLogTarget t = switch (target) {
      case "off" -> TollgateConfig.AccessLogTarget.OFF;
      case "stdout" -> TollgateConfig.AccessLogTarget.STDOUT;
      case "file" -> TollgateConfig.AccessLogTarget.FILE;
      default -> throw fromEnv.isPresent()
          ? new InvalidConfigException("TOLLGATE_ACCESS_LOG: must be off, stdout or file" + NOT_SHOWN)
          : a.get("target").fail("must be off, stdout or file");
    };
    Path file = dataDir.resolve(a.get("file").text("access.log"));
    long maxSize = range(a.get("max_file_size"), a.get("max_file_size").bytes().orElse(100L << 20), 1 << 16, 1L << 40);
    long maxFiles = range(a.get("max_files"), a.get("max_files").integer().orElse(10L), 1, 20);
    long queue = range(a.get("queue_size"), a.get("queue_size").integer().orElse(65_536L), 1024, 1 << 24);
    return new TollgateConfig.AccessLog(t, file, maxSize, (int) maxFiles, (int) queue);
  }

  private static Optional<String> nodeId(ConfigNode n, Map<String, String> env) {
    n.onlyKeys(Set.of("id"));
    Optional<String> fromEnv = env(env, "TOLLGATE_NODE_ID");
    Optional<String> id = fromEnv.or(() -> n.get("id").text());
    if (id.isPresent() && !NodeIds.isValid(id.get())) {
      String message = "must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit";
      throw fromEnv.isPresent() ? new InvalidConfigException("TOLLGATE_NODE_ID: " + message)
          : n.get("id").fail(message);
    }
    return id;
  }

  private static TollgateConfig.Registry registry(ConfigNode r) {
    r.onlyKeys(Set.of("poll_interval", "max_staleness", "on_stale"));
    Duration poll = r.get("poll_interval").duration().orElse(Duration.ofMillis(500));
    if (poll.toMillis() < 10 || poll.toMillis() > 60_000) {
      throw r.get("poll_interval").fail("must be between 10ms and 60s");
    }
    Duration stale = r.get("max_staleness").duration().orElse(Duration.ofSeconds(5));
    if (stale.compareTo(poll) <= 0 || stale.toHours() > 24) {
      throw r.get("max_staleness").fail("must be longer than registry.poll_interval and at most 24h");
    }
    String onStale = r.get("on_stale").text("serve");
    if (!onStale.equals("serve") && !onStale.equals("refuse")) {
      throw r.get("on_stale").fail("must be serve or refuse");
    }
    return new TollgateConfig.Registry(poll, stale, onStale.equals("refuse"));
  }

  private static TollgateConfig.Limits limits(ConfigNode l, Map<String, String> env) {
    l.onlyKeys(Set.of("redis", "on_redis_down"));
    ConfigNode r = l.get("redis").onlyKeys(Set.of("url", "timeout"));
    Optional<String> fromEnv = env(env, "TOLLGATE_REDIS_URL");
    Optional<String> url = fromEnv.or(() -> r.get("url").text());
    if (url.isPresent() && !url.get().matches("rediss?://[^/\\s]+(/\\d{1,2})?")) {
      String message = "expected redis://[:password@]host:port[/db] or rediss://…" + NOT_SHOWN;
      throw fromEnv.isPresent() ? new InvalidConfigException("TOLLGATE_REDIS_URL: " + message)
          : r.get("url").fail(message);
    }
    Duration timeout = r.get("timeout").duration().orElse(Duration.ofMillis(20));
    if (timeout.toMillis() < 1 || timeout.toMillis() > 10_000) {
      throw r.get("timeout").fail("must be between 1ms and 10s");
    }
    String onDown = l.get("on_redis_down").text("refuse");
    if (!onDown.equals("refuse") && !onDown.equals("local")) {
      throw l.get("on_redis_down").fail("must be refuse or local");
    }
    return new TollgateConfig.Limits(url, timeout, onDown.equals("local"));
  }

  private static TollgateConfig.Webhooks webhooks(ConfigNode w) {
    w.onlyKeys(Set.of("allow_private", "poll_interval", "retry_base", "retry_max", "disable_after",
        "usage_thresholds", "key_expiry_scan", "sustained_rate_limit"));
    Duration poll = positive(w.get("poll_interval"), w.get("poll_interval").duration().orElse(Duration.ofSeconds(1)));
    Duration base = positive(w.get("retry_base"), w.get("retry_base").duration().orElse(Duration.ofSeconds(5)));
    Duration max = positive(w.get("retry_max"), w.get("retry_max").duration().orElse(Duration.ofHours(1)));
    Duration disable = positive(w.get("disable_after"),
        w.get("disable_after").duration().orElse(Duration.ofDays(5)));
    java.util.List<Integer> thresholds = TierCatalogParser.usageThresholds(w.get("usage_thresholds"))
        .orElse(java.util.List.of(80, 100));
    Duration scan = positive(w.get("key_expiry_scan"),
        w.get("key_expiry_scan").duration().orElse(Duration.ofMinutes(1)));
    Duration sustained = positive(w.get("sustained_rate_limit"),
        w.get("sustained_rate_limit").duration().orElse(Duration.ofSeconds(60)));
    return new TollgateConfig.Webhooks(w.get("allow_private").bool().orElse(false), poll, base, max, disable,
        thresholds, scan, sustained);
  }

  private static TollgateConfig.Logging logging(ConfigNode l, Map<String, String> env) {
    l.onlyKeys(Set.of("format"));
    Optional<String> fromEnv = env(env, "TOLLGATE_LOG_FORMAT");
    String format = fromEnv.orElseGet(() -> l.get("format").text("text"));
    if (!format.equals("text") && !format.equals("json")) {
      throw fromEnv.isPresent() ? new InvalidConfigException("TOLLGATE_LOG_FORMAT: must be text or json")
          : l.get("format").fail("must be text or json");
    }
    return new TollgateConfig.Logging(format.equals("json"));
  }
}
