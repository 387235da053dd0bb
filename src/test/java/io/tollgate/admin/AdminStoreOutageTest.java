package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.store.PostgresTestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away (new connections refused, every open one terminated): the Admin API answers
 * {@code 503 store_unavailable} (problem+json, {@code Retry-After}) within {@link #BOUND} instead of waiting out the
 * pool and a health probe, and answers again once the database is back.
 */
final class AdminStoreOutageTest {
  /** The promise in docs/operations.md. */
  private static final Duration BOUND = Duration.ofSeconds(3);

  @TempDir Path dir;
  private PostgresTestDatabase pg;
  private RunningTollgate tollgate;

  @BeforeEach
  void start() {
    pg = PostgresTestDatabase.createDatabase();
    tollgate = RunningTollgate.start(dir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY,
        "TOLLGATE_STORE_URL", pg.url()), Optional.empty());
    assertThat(tollgate.admin("POST", "/admin/customers", "{\"customer_id\":\"outage-a\",\"tier\":\"starter\"}")
        .status()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    if (tollgate != null) {
      tollgate.close();
    }
    pg.allowConnections();
    pg.close();
  }

  private Answer timed(String method, String path, String body) {
    long started = System.nanoTime();
    Answer a = body == null ? tollgate.admin(method, path) : tollgate.admin(method, path, body);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).as(method + " " + path + " answered " + a.status() + " after " + took.toMillis() + " ms")
        .isLessThanOrEqualTo(BOUND);
    return a;
  }

  private void assertStoreUnavailable(Answer a) {
    assertThat(a.status()).as(a.text()).isEqualTo(503);
    assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    assertThat(a.json().path("code").asText()).isEqualTo("store_unavailable");
    assertThat(a.header("Retry-After")).isNotNull();
    assertThat(Long.parseLong(a.header("Retry-After"))).isPositive();
  }

  @Test
  void postgresGone_adminReadsAndWritesAnswer503StoreUnavailableWithinTheBound_andRecoverWhenBack() {
    pg.refuseConnections();

    assertStoreUnavailable(timed("GET", "/admin/customers/outage-a/usage", null));
    assertStoreUnavailable(timed("GET", "/admin/usage/export", null));
    assertStoreUnavailable(timed("GET", "/admin/customers", null));
    assertStoreUnavailable(timed("POST", "/admin/customers", "{\"customer_id\":\"outage-b\",\"tier\":\"starter\"}"));
    assertStoreUnavailable(timed("GET", "/admin/customers/outage-a/usage", null));

    pg.allowConnections();
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
        .until(() -> tollgate.admin("GET", "/admin/customers/outage-a/usage").status() == 200);
    assertThat(tollgate.admin("POST", "/admin/customers", "{\"customer_id\":\"outage-b\",\"tier\":\"starter\"}")
        .status()).isEqualTo(201);
  }
}
