package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.store.CapturedLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeated requests without a valid admin key from one address are slowed down, counted and logged. */
final class AdminLoginThrottleTest {
  private static final String WRONG_KEY = "wrong-admin-key-guess-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void failedLogins_beyondTheBurst_get429WithRetryAfter_untilATryIsBack_countedAndLoggedWithoutTheKey()
      throws Exception {
    Path config = Files.writeString(dir.resolve("tollgate.yaml"),
        "admin:\n  max_failed_logins: 3\n  failed_login_interval: 2s\n");
    try (CapturedLogs logs = new CapturedLogs();
        RunningTollgate t = RunningTollgate.start(dir.resolve("data"),
            Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY), Optional.of(config))) {
      Map<String, String> wrong = Map.of("Authorization", "Bearer " + WRONG_KEY);
      for (int i = 0; i < 3; i++) {
        assertThat(t.send("GET", t.adminUri("/admin/customers"), null, wrong).status()).isEqualTo(401);
      }

      Answer throttled = t.send("GET", t.adminUri("/admin/customers"), null, wrong);
      assertThat(throttled.status()).isEqualTo(429);
      assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 2L);
      assertThat(throttled.header("Content-Type")).startsWith("application/problem+json");
      assertThat(throttled.json().path("code").asText()).isEqualTo("login_throttled");
      assertThat(throttled.json().path("status").asInt()).isEqualTo(429);
      // the key is not even looked at while the address has no try left: the right one is refused as well
      assertThat(t.admin("GET", "/admin/customers").status()).isEqualTo(429);

      String metrics = t.send("GET", t.adminUri("/metrics"), null, Map.of()).text();
      assertThat(sample(metrics, "tollgate_admin_login_failures_total")).isEqualTo(3.0);
      assertThat(sample(metrics, "tollgate_admin_login_throttled_total")).isEqualTo(2.0);
      assertThat(logs.texts()).filteredOn(l -> l.contains("admin login failed")).hasSize(3)
          .allSatisfy(l -> assertThat(l).contains("127.0.0.1").contains("/admin/customers"));
      assertThat(String.join("\n", logs.texts())).doesNotContain(WRONG_KEY).doesNotContain(RunningTollgate.ADMIN_KEY);

      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
          .until(() -> t.admin("GET", "/admin/customers").status() == 200);
    }
  }

  private static double sample(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(scrape);
    assertThat(m.find()).as("%s in the scrape", name).isTrue();
    return Double.parseDouble(m.group(2));
  }
}
