package io.tollgate.admin.compat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.admin.SharedTollgate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Tollgate with seed 003's catalog (examples/tiers-seed-003.yaml) and key prefix, configured as a seed 003
 * deployment is: its admin key in {@code HX_GATE_ENGINE_SERVICE_KEY}, beside Tollgate's own admin key and a verify
 * service key, shared by the tests of a class. The failed-login throttle is set out of the way (AdminLoginThrottleTest
 * covers it).
 */
final class Seed003Tollgate implements BeforeAllCallback, AfterAllCallback {
  /** Seed 003's {@code $SERVICE_KEY}: an admin key from {@code HX_GATE_ENGINE_SERVICE_KEY}. */
  static final String SEED_KEY = "hx-engine-service-key-0123456789abcdef";
  /** The key backends present to {@code POST /v1/verify}: never an admin key. */
  static final String VERIFY_KEY = "verify-service-key-0123456789abcdef-01";
  private static final Path CATALOG = Path.of("examples", "tiers-seed-003.yaml").toAbsolutePath();

  private Path dir;
  private RunningTollgate tollgate;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("tollgate-compat");
    Path config = Files.writeString(dir.resolve("tollgate.yaml"),
        "tiers: " + CATALOG + "\ndefault_tier: starter\nkeys:\n  prefix: hx\n"
            + "admin:\n  max_failed_logins: 1000000\n"); // the refusal tests send many 401s; the throttle has its own
    tollgate = RunningTollgate.start(dir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY,
        "HX_GATE_ENGINE_SERVICE_KEY", SEED_KEY, "TOLLGATE_SERVICE_KEY", VERIFY_KEY), Optional.of(config));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    tollgate.close();
    SharedTollgate.deleteTree(dir);
  }

  RunningTollgate get() {
    return tollgate;
  }

  /** A seed 003 request on the admin listener with {@code Authorization: Bearer $SERVICE_KEY}. */
  Answer seed(String method, String path, String jsonBody) {
    return as(SEED_KEY, method, path, jsonBody);
  }

  /** A request on the admin listener with {@code Authorization: Bearer key}. */
  Answer as(String key, String method, String path, String jsonBody) {
    return tollgate.send(method, tollgate.adminUri(path), jsonBody, Map.of("Authorization", "Bearer " + key));
  }

  /** {@code POST /v1/verify} of {@code key} on the gate, as a backend asks it. */
  JsonNode verify(String key, String namespace, String units) {
    String body = "{\"key\":\"" + key + "\",\"namespace\":\"" + namespace + "\",\"operation\":\"put\",\"units\":"
        + units + "}";
    Answer a = tollgate.send("POST", tollgate.gateUri("/v1/verify"), body,
        Map.of("Authorization", "Bearer " + VERIFY_KEY));
    if (a.status() != 200) {
      throw new AssertionError("verify answered " + a.status() + ": " + a.text());
    }
    return a.json();
  }

  /** Creates a tenant through seed 003's route and returns its answer (201 expected). */
  JsonNode onboard(String tenantId, String plan) {
    Answer a = seed("POST", "/gate/onboard/create", "{\"tenant_id\":\"" + tenantId + "\",\"plan\":\"" + plan + "\"}");
    if (a.status() != 201) {
      throw new AssertionError("tenant not created: " + a.status() + " " + a.text());
    }
    return a.json();
  }

  /** The newest audit entries of {@code customerId}, newest first, from {@code GET /admin/audit}. */
  JsonNode audit(String customerId) {
    return tollgate.admin("GET", "/admin/audit?customer_id=" + customerId).json().path("entries");
  }
}
