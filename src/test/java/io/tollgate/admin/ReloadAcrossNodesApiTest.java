package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate.Answer;
import io.tollgate.store.PostgresTestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real servers on one PostgreSQL: once a reload through node B has removed a tier, node A (whose own tier file
 * still has it) refuses to move a customer onto it, so no stored customer is left on a tier B's catalog lacks.
 */
final class ReloadAcrossNodesApiTest {
  @TempDir Path dir;
  private PostgresTestDatabase pg;
  private RunningTollgate a;
  private RunningTollgate b;

  @BeforeEach
  void startTwoNodes() throws IOException {
    pg = PostgresTestDatabase.createDatabase();
    a = node("a");
    b = node("b");
  }

  private RunningTollgate node(String name) throws IOException {
    Path nodeDir = Files.createDirectories(dir.resolve(name));
    Files.writeString(nodeDir.resolve("tiers.yaml"),
        "tiers:\n" + RegistryReloadApiTest.STARTER + RegistryReloadApiTest.GOLD);
    Path config = nodeDir.resolve("tollgate.yaml");
    Files.writeString(config, "node:\n  id: node-" + name + "\ntiers: tiers.yaml\ndefault_tier: starter\n");
    return RunningTollgate.start(nodeDir.resolve("data"), Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY,
        "TOLLGATE_STORE_URL", pg.url(), "TOLLGATE_HMAC_SECRET", "a-secret-shared-by-every-node-0123456789"),
        Optional.of(config));
  }

  @AfterEach
  void stop() {
    for (RunningTollgate t : new RunningTollgate[] {b, a}) {
      if (t != null) {
        t.close();
      }
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void patchThroughA_ontoATierBsReloadRemoved_returns422UnknownTier_andTheCustomerStaysPut() throws IOException {
    assertThat(a.admin("POST", "/admin/customers", "{\"customer_id\":\"acme\"}").status()).isEqualTo(201);
    Files.writeString(dir.resolve("b").resolve("tiers.yaml"), "tiers:\n" + RegistryReloadApiTest.STARTER);
    Answer reloaded = b.admin("POST", "/admin/registry/reload");
    assertThat(reloaded.status()).as(reloaded.text()).isEqualTo(200);

    Answer moved = a.admin("PATCH", "/admin/customers/acme", "{\"tier\":\"gold\"}");

    assertThat(moved.status()).as(moved.text()).isEqualTo(422);
    assertThat(moved.json().get("code").asText()).isEqualTo("unknown_tier");
    assertThat(b.admin("GET", "/admin/customers/acme").json().get("tier").asText()).isEqualTo("starter");
  }
}
