package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

final class ServerLifecycleTest {
  private static final Pattern PRINTED_KEY = Pattern.compile("(tg_admin_[0-9A-Za-z]{28})");

  @TempDir Path dataDir;

  @Test
  void firstStart_withoutAdminKey_printsGeneratedKeyOnce_andOnlyItsHashIsKept() throws Exception {
    String key;
    try (RunningTollgate first = RunningTollgate.start(dataDir, Map.of(), Optional.empty())) {
      Matcher m = PRINTED_KEY.matcher(first.console);
      assertThat(m.find()).as("console of the first start: %s", first.console).isTrue();
      key = m.group(1);
      assertThat(m.find()).as("printed once").isFalse();
      assertThat(first.send("GET", first.adminUri("/admin/tiers"), null, Map.of("x-api-key", key)).status())
          .isEqualTo(200);
    }
    try (RunningTollgate second = RunningTollgate.start(dataDir, Map.of(), Optional.empty())) {
      assertThat(second.console).doesNotContain("tg_admin_");
      assertThat(second.send("GET", second.adminUri("/admin/tiers"), null, Map.of("Authorization", "Bearer " + key))
          .status()).isEqualTo(200);
    }
    assertThat(filesContaining(dataDir, List.of(key))).isEmpty();
  }

  @Test
  void firstStart_withoutAdminKey_auditsTheGeneratedKeyByItsIdOnly_once() throws Exception {
    String key;
    try (RunningTollgate first = RunningTollgate.start(dataDir, Map.of(), Optional.empty())) {
      Matcher m = PRINTED_KEY.matcher(first.console);
      assertThat(m.find()).isTrue();
      key = m.group(1);
    }
    try (RunningTollgate second = RunningTollgate.start(dataDir, Map.of(), Optional.empty())) {
      RunningTollgate.Answer a = second.send("GET", second.adminUri("/admin/audit"), null,
          Map.of("Authorization", "Bearer " + key));
      assertThat(a.status()).isEqualTo(200);
      JsonNode entries = a.json().get("entries");
      assertThat(entries).as("one entry over two starts: %s", a.text()).hasSize(1);
      JsonNode e = entries.get(0);
      assertThat(e.get("action").asText()).isEqualTo("admin_key.create");
      assertThat(e.get("actor").asText()).isEqualTo("system");
      assertThat(e.get("customer_id").asText()).isEmpty();
      assertThat(e.get("key_id").asText()).startsWith("adm_");
      assertThat(e.get("changes").get("admin_key_id").get("after").asText()).isEqualTo(e.get("key_id").asText());
      assertThat(a.text()).doesNotContain(key).doesNotContain(key.substring("tg_admin_".length(), 20));
    }
  }

  @Test
  void start_withAnEngineUrlHoldingAPassword_logsTheEngineWithoutIt() {
    try (io.tollgate.store.CapturedLogs logs = new io.tollgate.store.CapturedLogs();
        RunningTollgate t = RunningTollgate.start(dataDir, Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY,
            "TOLLGATE_ENGINE_URL", "http://svc:engine-pw-in-url@127.0.0.1:9/?token=t0k3n"), Optional.empty())) {
      assertThat(logs.texts()).anySatisfy(l -> assertThat(l).contains("engine http://***@127.0.0.1:9/?***"));
      assertThat(String.join("\n", logs.texts())).doesNotContain("engine-pw-in-url").doesNotContain("t0k3n");
    }
  }

  @Test
  void restart_keepsCustomersKeysAndAudit() {
    String keyId;
    try (RunningTollgate t = RunningTollgate.start(dataDir)) {
      assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":\"acme-corp\",\"tier\":\"growth\","
          + "\"namespaces\":[\"default\",\"staging\"],\"metadata\":{\"crm\":42}}").status()).isEqualTo(201);
      keyId = t.admin("POST", "/admin/customers/acme-corp/keys", "{\"name\":\"ci\",\"environment\":\"test\"}")
          .json().get("key_id").asText();
      assertThat(t.admin("DELETE", "/admin/customers/acme-corp/keys/" + keyId).status()).isEqualTo(200);
    }
    try (RunningTollgate t = RunningTollgate.start(dataDir)) {
      JsonNode c = t.admin("GET", "/admin/customers/acme-corp").json();
      assertThat(c.get("tier").asText()).isEqualTo("growth");
      assertThat(c.get("namespaces")).hasSize(2);
      assertThat(c.get("metadata").get("crm").asInt()).isEqualTo(42);
      assertThat(c.get("keys").get("total").asInt()).isEqualTo(2);
      JsonNode key = t.admin("GET", "/admin/customers/acme-corp/keys/" + keyId).json();
      assertThat(key.get("status").asText()).isEqualTo("revoked");
      assertThat(key.get("environment").asText()).isEqualTo("test");
      assertThat(t.admin("GET", "/admin/audit?customer_id=acme-corp").json().get("entries").size()).isEqualTo(4);
    }
  }

  @Test
  void refusedRequests_leaveNoTraceInTheStore() {
    try (RunningTollgate t = RunningTollgate.start(dataDir)) {
      t.admin("POST", "/admin/customers", "{\"customer_id\":\"acme-corp\"}");
      String before = t.admin("GET", "/admin/audit?limit=500").text();
      String customersBefore = t.admin("GET", "/admin/customers").text();
      assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":\"acme-corp\"}").status()).isEqualTo(409);
      assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":\"new-one\",\"tier\":\"gold\"}").status())
          .isEqualTo(422);
      assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":\"new-two\",\"namespaces\":[\"Bad NS\"]}")
          .status()).isEqualTo(422);
      assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":").status()).isEqualTo(400);
      assertThat(t.admin("PATCH", "/admin/customers/acme-corp", "{\"tier\":\"gold\"}").status()).isEqualTo(422);
      assertThat(t.admin("POST", "/admin/customers/acme-corp/keys", "{\"namespaces\":[\"staging\"]}").status())
          .isEqualTo(422);
      assertThat(t.send("POST", t.adminUri("/admin/customers"), "{\"customer_id\":\"sneaky\"}",
          Map.of("x-api-key", "wrong")).status()).isEqualTo(401);
      assertThat(t.admin("GET", "/admin/audit?limit=500").text()).isEqualTo(before);
      assertThat(t.admin("GET", "/admin/customers").text()).isEqualTo(customersBefore);
    }
  }

  @Test
  void afterAScenario_noKeyOrAdminKeyIsInTheDataDirectoryOrTheLogs() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    List<String> secrets = new ArrayList<>();
    secrets.add(RunningTollgate.ADMIN_KEY);
    try (RunningTollgate t = RunningTollgate.start(dataDir)) {
      JsonNode created = t.admin("POST", "/admin/customers", "{\"customer_id\":\"acme-corp\"}").json();
      secrets.add(created.get("api_key").get("key").asText());
      String keyId = created.get("api_key").get("key_id").asText();
      secrets.add(t.admin("POST", "/admin/customers/acme-corp/keys", "{}").json().get("key").asText());
      secrets.add(t.admin("POST", "/admin/customers/acme-corp/keys/" + keyId + "/rotate",
          "{\"grace_period_s\":60}").json().get("key").asText());
      t.admin("PATCH", "/admin/customers/acme-corp", "{\"tier\":\"scale\"}");
      t.admin("DELETE", "/admin/customers/acme-corp");
      t.send("GET", t.adminUri("/admin/customers"), null, Map.of("x-api-key", secrets.get(1)));
      t.admin("POST", "/admin/customers", "{\"customer_id\":");
    } finally {
      root.detachAppender(logs);
    }
    assertThat(filesContaining(dataDir, secrets)).isEmpty();
    StringBuilder text = new StringBuilder();
    for (ILoggingEvent e : logs.list) {
      text.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        text.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
      }
    }
    assertThat(text).as("captured %s log events", logs.list.size()).isNotEmpty();
    for (String s : secrets) {
      assertThat(text.toString()).doesNotContain(s);
    }
  }

  /** The files under {@code dir} whose bytes contain any of {@code secrets} (UTF-8). */
  static List<Path> filesContaining(Path dir, List<String> secrets) throws Exception {
    List<Path> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String s : secrets) {
          if (content.contains(s)) {
            hits.add(f);
          }
        }
      }
    }
    return hits;
  }
}
