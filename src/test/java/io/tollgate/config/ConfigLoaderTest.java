package io.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.Units;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String yaml) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void load_noFile_givesEveryDefault() {
    TollgateConfig c = ConfigLoader.load(Optional.empty(), Map.of());
    assertThat(c.gate().listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
    assertThat(c.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 8081));
    assertThat(c.gate().engine().toString()).isEqualTo("http://127.0.0.1:9000");
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.storeUrl()).isEqualTo("sqlite:" + Path.of("./data").resolve("tollgate.db"));
    assertThat(c.defaultTier()).isEqualTo("starter");
    assertThat(c.routes()).hasSize(6);
    assertThat(c.metering().durability()).isEqualTo("batch");
    assertThat(c.metering().strictCommitTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(c.admin().adminKeys()).isEmpty();
    assertThat(c.admin().maxBodyBytes()).isEqualTo(65536);
    Catalog catalog = Catalog.of(c);
    assertThat(catalog.tiers().tiers()).extracting(Tier::name)
        .containsExactly("starter", "growth", "scale", "enterprise", "custom");
    Tier starter = catalog.tiers().find("starter").orElseThrow();
    assertThat(starter.limits().quota().units()).isEqualTo(Units.of(2_000_000));
    assertThat(starter.limits().quota().period()).isEqualTo(QuotaPeriod.YEAR);
    assertThat(starter.limits().rateLimit().requests()).isEqualTo(50);
  }

  @Test
  void load_strictCommitTimeout_isADurationLongerThanZero() throws Exception {
    Path ok = write("commit.yaml", "metering:\n  durability: strict\n  strict_commit_timeout: 1500ms\n");
    assertThat(ConfigLoader.load(Optional.of(ok), Map.of()).metering().strictCommitTimeout())
        .isEqualTo(java.time.Duration.ofMillis(1500));
    Path zero = write("commit0.yaml", "metering:\n  strict_commit_timeout: 0s\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(zero), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("metering.strict_commit_timeout")
        .hasMessageContaining("longer than zero");
  }

  @Test
  void load_spillMaxBytes_isASize_64MiBByDefault_0TurnsSpillingOff() throws Exception {
    assertThat(ConfigLoader.load(Optional.empty(), Map.of()).metering().spillMaxBytes()).isEqualTo(64L << 20);
    Path ok = write("spill.yaml", "metering:\n  spill_max_bytes: 8MiB\n");
    assertThat(ConfigLoader.load(Optional.of(ok), Map.of()).metering().spillMaxBytes()).isEqualTo(8L << 20);
    Path off = write("spill0.yaml", "metering:\n  spill_max_bytes: 0\n");
    assertThat(ConfigLoader.load(Optional.of(off), Map.of()).metering().spillMaxBytes()).isZero();
    Path negative = write("spill-1.yaml", "metering:\n  spill_max_bytes: -1\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(negative), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("metering.spill_max_bytes");
  }

  @Test
  void load_environment_overridesFileKeys() throws Exception {
    Path f = write("c.yaml", "gate:\n  listen: 1.2.3.4:1\nadmin:\n  listen: 1.2.3.4:2\n");
    TollgateConfig c = ConfigLoader.load(Optional.of(f), Map.of(
        "TOLLGATE_GATE_LISTEN", "127.0.0.1:18080", "TOLLGATE_ADMIN_LISTEN", "127.0.0.1:18081",
        "TOLLGATE_DATA_DIR", "/tmp/tg", "TOLLGATE_ENGINE_URL", "http://engine:9999",
        "TOLLGATE_ADMIN_KEY", "admin-key-from-env-0123456789abcdef", "TOLLGATE_SERVICE_KEY", "service-key-from-env-0123456789abcdef"));
    assertThat(c.gate().listen()).isEqualTo(new HostPort("127.0.0.1", 18080));
    assertThat(c.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 18081));
    assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/tg"));
    assertThat(c.storeUrl()).isEqualTo("sqlite:/tmp/tg/tollgate.db");
    assertThat(c.gate().engine().getHost()).isEqualTo("engine");
    assertThat(c.admin().adminKeys()).containsExactly("admin-key-from-env-0123456789abcdef");
    assertThat(c.gate().serviceKeys()).containsExactly("service-key-from-env-0123456789abcdef");
    assertThat(ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_STORE_URL", "jdbc:postgresql://h/db")).storeUrl())
        .isEqualTo("jdbc:postgresql://h/db");
  }

  @Test
  void load_adminOrServiceKeyShorterThan32Characters_isRefusedNamingTheSettingButNotTheKey() throws Exception {
    String shortKey = "short-key-0123456789-abcdefghij"; // 31 characters
    String longKey = shortKey + "k";
    Path admin = write("admin.yaml", "admin:\n  keys: [\"" + shortKey + "\"]\n");
    Path service = write("service.yaml", "gate:\n  service_keys:\n    - " + longKey + "\n    - " + shortKey + "\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(admin), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("admin.keys.0")
        .hasMessageContaining("at least 32 characters").message().doesNotContain(shortKey);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(service), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("gate.service_keys.1")
        .hasMessageContaining("line 4").message().doesNotContain(shortKey);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_ADMIN_KEY", "x")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("TOLLGATE_ADMIN_KEY: must have at least 32 characters");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_SERVICE_KEY", shortKey)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("TOLLGATE_SERVICE_KEY: must have at least 32 characters");
    assertThat(ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_ADMIN_KEY", longKey)).admin().adminKeys())
        .containsExactly(longKey);
  }

  @Test
  void load_seed003ServiceKeyVariable_isOneMoreAdminKey_withTheSameMinimumLength() {
    String seedKey = "hx-engine-service-key-0123456789abcdef";
    TollgateConfig c = ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_ADMIN_KEY",
        "admin-key-from-env-0123456789abcdef", "HX_GATE_ENGINE_SERVICE_KEY", seedKey));
    assertThat(c.admin().adminKeys()).containsExactly("admin-key-from-env-0123456789abcdef", seedKey);
    assertThat(c.gate().serviceKeys()).isEmpty();
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HX_GATE_ENGINE_SERVICE_KEY", "hx-short")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("HX_GATE_ENGINE_SERVICE_KEY: must have at least 32 characters");
  }

  @Test
  void load_anAdminKeyThatIsAlsoAServiceKey_isRefusedWithoutShowingIt() throws Exception {
    String key = "one-key-for-both-0123456789abcdef-012";
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("HX_GATE_ENGINE_SERVICE_KEY", key,
        "TOLLGATE_SERVICE_KEY", key)))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("is also a service key")
        .message().doesNotContain(key);
    Path both = write("both.yaml", "admin:\n  keys: [\"" + key + "\"]\ngate:\n  service_keys: [\"" + key + "\"]\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(both), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("is also a service key")
        .message().doesNotContain(key);
  }

  @Test
  void load_invalidValuesThatMayHoldASecret_areRefusedNamingTheSettingAndLineButNeverTheValue() throws Exception {
    String password = "pw-that-must-never-be-echoed-42";
    Map<String, String> files = Map.of(
        "gate.engine", "gate:\n  engine: 'ftp://engine-user:" + password + "@engine:9000/'\n",
        "gate.listen", "gate:\n  listen: 'user:" + password + "@0.0.0.0'\n",
        "admin.listen", "admin:\n  listen: '" + password + "'\n",
        "limits.redis.url", "limits:\n  redis:\n    url: 'http://:" + password + "@redis:6379'\n",
        "store.url", "store:\n  url: 'mysql://root:" + password + "@db/tollgate'\n");
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path f = write("secret.yaml", e.getValue());
      assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of())).as(e.getKey())
          .isInstanceOf(InvalidConfigException.class).hasMessageContaining(e.getKey()).hasMessageContaining("line ")
          .hasMessageContaining("the value is not shown").hasNoCause()
          .message().doesNotContain(password).doesNotContain("engine-user").doesNotContain("root:");
    }
    Map<String, String> variables = Map.of(
        "TOLLGATE_ENGINE_URL", "engine-user:" + password + "@engine:9000",
        "TOLLGATE_GATE_LISTEN", password,
        "TOLLGATE_ADMIN_LISTEN", "user:" + password + "@127.0.0.1",
        "TOLLGATE_REDIS_URL", "redis://:" + password + "@redis:6379/x",
        "TOLLGATE_ACCESS_LOG", password);
    for (Map.Entry<String, String> e : variables.entrySet()) {
      assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(e.getKey(), e.getValue()))).as(e.getKey())
          .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith(e.getKey() + ": ")
          .hasMessageContaining("the value is not shown").message().doesNotContain(password)
          .doesNotContain("engine-user");
    }
  }

  @Test
  void engineForLogs_leavesOutTheUserPasswordAndQuery() {
    TollgateConfig c = ConfigLoader.load(Optional.empty(),
        Map.of("TOLLGATE_ENGINE_URL", "https://svc:pw-in-the-url@engine.internal:8443/base?token=t0k3n"));
    assertThat(c.gate().engineForLogs()).isEqualTo("https://***@engine.internal:8443/base?***");
    assertThat(c.gate().toString()).doesNotContain("pw-in-the-url").doesNotContain("t0k3n");
    assertThat(c.gate().engine().getUserInfo()).as("the URL itself is kept").isEqualTo("svc:pw-in-the-url");
  }

  @Test
  void load_unknownKey_namesKeyAndLine() throws Exception {
    Path f = write("c.yaml", "gate:\n  listen: 0.0.0.0:8080\n  lisen: x\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("gate.lisen").hasMessageContaining("line 3");
  }

  @Test
  void load_drainTimeout_defaultsTo30s_takesADuration_refusesZero() throws Exception {
    assertThat(ConfigLoader.load(Optional.empty(), Map.of()).gate().drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    Path f = write("d.yaml", "gate:\n  drain_timeout: 2m\n");
    assertThat(ConfigLoader.load(Optional.of(f), Map.of()).gate().drainTimeout()).isEqualTo(Duration.ofMinutes(2));
    Path zero = write("z.yaml", "gate:\n  drain_timeout: 0s\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(zero), Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("gate.drain_timeout").hasMessageContaining("line 2");
  }

  @Test
  void load_adminAllowedHosts_fromFileAndEnvironment_lowerCase_andAnythingButAHostIsRefused() throws Exception {
    assertThat(ConfigLoader.load(Optional.empty(), Map.of()).admin().allowedHosts()).isEmpty();
    Path f = write("h.yaml", "admin:\n  allowed_hosts: [Admin.Example.com, 10.0.0.5, \"[fd00::5]\"]\n");
    assertThat(ConfigLoader.load(Optional.of(f), Map.of("TOLLGATE_ADMIN_ALLOWED_HOSTS", "ops.internal, b"))
        .admin().allowedHosts()).containsExactly("admin.example.com", "10.0.0.5", "[fd00::5]", "ops.internal", "b");
    for (String bad : new String[] {"admin.example.com:8081", "http://admin.example.com", "*.example.com",
        "admin/x", "-admin"}) {
      Path b = write("b.yaml", "admin:\n  allowed_hosts:\n    - ok.example\n    - \"" + bad + "\"\n");
      assertThatThrownBy(() -> ConfigLoader.load(Optional.of(b), Map.of())).as(bad)
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("admin.allowed_hosts.1").hasMessageContaining("line 4");
      assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_ADMIN_ALLOWED_HOSTS", bad)))
          .as(bad).isInstanceOf(InvalidConfigException.class).hasMessageContaining("TOLLGATE_ADMIN_ALLOWED_HOSTS");
    }
  }

  @Test
  void load_badListen_namesKeyAndLine() throws Exception {
    Path f = write("c.yaml", "admin:\n  listen: nowhere\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of()))
        .hasMessageContaining("admin.listen").hasMessageContaining("line 2");
  }

  @Test
  void load_badRoute_namesItsIndexAndLine() throws Exception {
    Path f = write("c.yaml", """
        routes:
          - { method: GET, path: "/v1/{namespace}/items/{id}", operation: get, units: 0.5 }
          - { method: get, path: "/v1/x", operation: x }
        """);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of()))
        .hasMessageContaining("routes.1.method").hasMessageContaining("line 3");
  }

  @Test
  void load_routes_parsesUnitsAndNamespaceHeader() throws Exception {
    Path f = write("c.yaml", """
        routes:
          - { method: POST, path: "/v2/validate", operation: validate, units: 0.25, namespace_header: X-Namespace }
        """);
    RouteSpec r = ConfigLoader.load(Optional.of(f), Map.of()).routes().get(0);
    assertThat(r.units()).isEqualTo(new Units(250));
    assertThat(r.namespaceHeader()).contains("X-Namespace");
  }

  @Test
  void load_maxUnitsPerRequest_defaultsToAMillion_andBoundsEveryRoute() throws Exception {
    assertThat(ConfigLoader.load(Optional.empty(), Map.of()).gate().edge().maxUnitsPerRequest())
        .isEqualTo(Units.of(1_000_000));
    Path ok = write("ok.yaml", "gate:\n  max_units_per_request: 2.5\n");
    assertThat(ConfigLoader.load(Optional.of(ok), Map.of()).gate().edge().maxUnitsPerRequest())
        .isEqualTo(new Units(2500));
    for (String bad : new String[] {"0", "-1", "0.0001", "1000000001", "lots"}) {
      Path f = write("bad.yaml", "gate:\n  max_units_per_request: " + bad + "\n");
      assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of())).as(bad)
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("gate.max_units_per_request").hasMessageContaining("line 2");
    }
    Path route = write("route.yaml", """
        gate:
          max_units_per_request: 5
        routes:
          - { method: GET, path: "/v1/a", operation: a, units: 5 }
          - { method: GET, path: "/v1/b", operation: b, units: 5.001 }
        """);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(route), Map.of()))
        .hasMessageContaining("routes.1.units").hasMessageContaining("line 5");
    Path defaults = write("defaults.yaml", "gate:\n  max_units_per_request: 1.5\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(defaults), Map.of()))
        .hasMessageContaining("gate.max_units_per_request").hasMessageContaining("/v1/{namespace}/query");
  }

  @Test
  void load_invalidYaml_namesLine() throws Exception {
    Path f = write("c.yaml", "gate:\n  listen: [unclosed\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("line");
  }

  @Test
  void load_badEnvironmentVariable_namesIt() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_ADMIN_LISTEN", "x")))
        .hasMessageContaining("TOLLGATE_ADMIN_LISTEN");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_STORE_URL", "mysql://x")))
        .hasMessageContaining("TOLLGATE_STORE_URL");
  }

  @Test
  void catalog_tiersFileRelativeToConfig_replacesBuiltIn() throws Exception {
    write("tiers.yaml", """
        tiers:
          - name: builder
            display_name: Builder
            price: {amount: 99, currency: USD, period: month}
            quota: {units: 50000, period: month}
            rate_limit: {requests: 100, window_s: 60}
            sla: 99.9
        """);
    Path f = write("c.yaml", "tiers: ./tiers.yaml\ndefault_tier: builder\n");
    Catalog catalog = Catalog.of(ConfigLoader.load(Optional.of(f), Map.of()));
    Tier builder = catalog.tiers().find("builder").orElseThrow();
    assertThat(catalog.tiers().size()).isEqualTo(1);
    assertThat(builder.limits().rateLimit().burst()).isEqualTo(100);
    assertThat(builder.limits().rateLimit().windowSeconds()).isEqualTo(60);
    assertThat(builder.limits().quota().period()).isEqualTo(QuotaPeriod.MONTH);
  }

  @Test
  void catalog_tierUsageThresholds_areSortedUnique_andOutOfRangeIsRefused() throws Exception {
    write("tiers.yaml", """
        tiers:
          - name: builder
            quota: {units: 50000, period: month}
            rate_limit: {requests: 100}
            sla: 99.9
            usage_thresholds: [100, 50, 80, 50]
          - name: plain
            quota: {units: 10, period: month}
            rate_limit: {requests: 1}
            sla: 99
        """);
    Path f = write("c.yaml", "tiers: ./tiers.yaml\ndefault_tier: builder\n");
    Catalog catalog = Catalog.of(ConfigLoader.load(Optional.of(f), Map.of()));
    assertThat(catalog.tiers().find("builder").orElseThrow().usageThresholds()).contains(List.of(50, 80, 100));
    assertThat(catalog.tiers().find("plain").orElseThrow().usageThresholds()).isEmpty();

    write("bad.yaml", """
        tiers:
          - name: builder
            quota: {units: 1, period: month}
            rate_limit: {requests: 1}
            sla: 99
            usage_thresholds: [0]
        """);
    Path g = write("g.yaml", "tiers: ./bad.yaml\ndefault_tier: builder\n");
    assertThatThrownBy(() -> Catalog.of(ConfigLoader.load(Optional.of(g), Map.of())))
        .hasMessageContaining("usage_thresholds").hasMessageContaining("between 1 and 1000");
  }

  @Test
  void webhookEventSettings_keyExpiryScanAndSustainedRateLimit_haveDefaults_areRead_andZeroIsRefused()
      throws Exception {
    TollgateConfig defaults = ConfigLoader.load(Optional.empty(), Map.of());
    assertThat(defaults.webhooks().keyExpiryScan()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(defaults.webhooks().sustainedRateLimit()).isEqualTo(java.time.Duration.ofSeconds(60));
    TollgateConfig set = ConfigLoader.load(Optional.of(write("w.yaml",
        "webhooks:\n  key_expiry_scan: 10s\n  sustained_rate_limit: 5m\n")), Map.of());
    assertThat(set.webhooks().keyExpiryScan()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(set.webhooks().sustainedRateLimit()).isEqualTo(java.time.Duration.ofMinutes(5));
    Path zero = write("z.yaml", "webhooks:\n  sustained_rate_limit: 0s\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(zero), Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("sustained_rate_limit");
  }

  @Test
  void catalog_defaultTierMissing_isRefused() throws Exception {
    Path f = write("c.yaml", "default_tier: gold\n");
    assertThatThrownBy(() -> Catalog.of(ConfigLoader.load(Optional.of(f), Map.of())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("default_tier");
  }

  @Test
  void catalog_badTierValue_namesKeyAndLine() throws Exception {
    write("tiers.yaml", """
        tiers:
          - name: a
            quota: {units: 10, period: week}
            rate_limit: {requests: 1}
            sla: 99
        """);
    Path f = write("c.yaml", "tiers: tiers.yaml\ndefault_tier: a\n");
    assertThatThrownBy(() -> Catalog.of(ConfigLoader.load(Optional.of(f), Map.of())))
        .hasMessageContaining("tiers.0.quota.period").hasMessageContaining("line 3");
  }

  @Test
  void exampleConfiguration_loads() {
    Path example = Path.of("examples/tollgate.yaml");
    Catalog catalog = Catalog.of(ConfigLoader.load(Optional.of(example), Map.of()));
    assertThat(catalog.tiers().find("builder")).isPresent();
    assertThat(catalog.tiers().find("pro").orElseThrow().limits().quota().units()).isEqualTo(Units.of(500_000));
  }

  @Test
  void load_telemetry_defaultsAreMetricsWithoutCustomerLabels_accessLogOff_textLogs() {
    TollgateConfig c = ConfigLoader.load(Optional.empty(), Map.of());
    assertThat(c.metrics()).isEqualTo(new TollgateConfig.Metrics(false, 1000));
    assertThat(c.accessLog().target()).isEqualTo(TollgateConfig.AccessLogTarget.OFF);
    assertThat(c.logging().json()).isFalse();
  }

  @Test
  void load_telemetry_fileKeysAndEnvironment() throws Exception {
    Path f = write("c.yaml", "data_dir: /var/lib/tg\nmetrics:\n  per_customer: true\n  per_customer_limit: 50\n"
        + "access_log:\n  target: file\n  file: logs/access.log\n  max_file_size: 10MiB\n  max_files: 5\n"
        + "logging:\n  format: json\n");
    TollgateConfig c = ConfigLoader.load(Optional.of(f), Map.of());
    assertThat(c.metrics()).isEqualTo(new TollgateConfig.Metrics(true, 50));
    assertThat(c.accessLog().file()).isEqualTo(Path.of("/var/lib/tg/logs/access.log"));
    assertThat(c.accessLog().maxFileBytes()).isEqualTo(10L << 20);
    assertThat(c.accessLog().maxFiles()).isEqualTo(5);
    assertThat(c.logging().json()).isTrue();
    TollgateConfig overridden = ConfigLoader.load(Optional.of(f), Map.of("TOLLGATE_ACCESS_LOG", "stdout",
        "TOLLGATE_LOG_FORMAT", "text"));
    assertThat(overridden.accessLog().target()).isEqualTo(TollgateConfig.AccessLogTarget.STDOUT);
    assertThat(overridden.logging().json()).isFalse();
  }

  @Test
  void load_accessLogTargetOff_unquoted_isReadAsOffNotAsABoolean() throws Exception {
    Path f = write("c.yaml", "access_log:\n  target: off\n");
    assertThat(ConfigLoader.load(Optional.of(f), Map.of()).accessLog().target())
        .isEqualTo(TollgateConfig.AccessLogTarget.OFF);
  }

  @Test
  void load_badTelemetryValues_nameKeyAndLine() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(write("a.yaml", "access_log:\n  target: syslog\n")),
        Map.of())).hasMessageContaining("access_log.target").hasMessageContaining("line 2");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(write("b.yaml", "metrics:\n  per_customer: yes please\n")),
        Map.of())).hasMessageContaining("metrics.per_customer").hasMessageContaining("true or false");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(write("c.yaml", "access_log:\n  max_files: 50\n")),
        Map.of())).hasMessageContaining("access_log.max_files").hasMessageContaining("between 1 and 20");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("TOLLGATE_LOG_FORMAT", "xml")))
        .hasMessageContaining("TOLLGATE_LOG_FORMAT");
  }
}
