package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.CliAssertions.ok;
import static io.tollgate.cli.admin.CliAssertions.refused;
import static io.tollgate.cli.admin.CliAssertions.secretIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.cli.admin.CliProcess.Run;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tollgate customers ...} and {@code namespaces ...}, run as separate processes against a real server. */
final class CliCustomersTest {
  @RegisterExtension
  static final CliServer server = new CliServer();

  private static void create(String body) {
    assertThat(server.tollgate().admin("POST", "/admin/customers", body).status()).isEqualTo(201);
  }

  @Test
  void customersCreate_printsCustomerAndItsFirstSecretOnce_thenTheSameIdIsRefused() {
    Run run = ok(server.run("customers", "create", "--id", "acme-corp", "--name", "Acme Corp", "--email",
        "ops@acme.example", "--tier", "growth", "--namespace", "default,staging", "--metadata",
        "{\"crm_id\":42,\"big\":18446744073709551617,\"ratio\":1.50,\"max\":1e308}"));

    assertThat(run.out()).contains("acme-corp", "Acme Corp", "growth", "default, staging",
        "{\"crm_id\":42,\"big\":18446744073709551617,");
    String secret = secretIn(run.out());
    assertThat(run.out()).containsOnlyOnce(secret)
        .contains(KeyViews.SECRET_LABEL + secret);
    JsonNode stored = server.tollgate().admin("GET", "/admin/customers/acme-corp").json();
    assertThat(stored.path("tier").asText()).isEqualTo("growth");
    assertThat(stored.path("metadata").path("crm_id").asInt()).isEqualTo(42);
    assertThat(server.tollgate().admin("GET", "/admin/customers/acme-corp").text()) // sent as typed, kept exact
        .contains("\"metadata\":{\"crm_id\":42,\"big\":18446744073709551617,\"ratio\":1.50,\"max\":1e308}");

    Run again = refused(server.run("customers", "create", "--id", "acme-corp"), "customer_exists");
    assertThat(again.err()).contains("409");
  }

  @Test
  void customersList_json_isTheServersPage_filteredByTier_andAllFollowsCursors() {
    create("{\"customer_id\":\"list-a\",\"tier\":\"scale\"}");
    create("{\"customer_id\":\"list-b\",\"tier\":\"scale\"}");
    create("{\"customer_id\":\"list-c\",\"tier\":\"scale\"}");

    JsonNode page = ok(server.run("customers", "list", "--tier", "scale", "--limit", "2", "--json")).json();
    assertThat(ids(page)).containsExactly("list-a", "list-b");
    assertThat(page.path("next_cursor").isTextual()).isTrue();

    JsonNode all = ok(server.run("customers", "list", "--tier", "scale", "--limit", "1", "--all", "--json")).json();
    assertThat(ids(all)).containsExactly("list-a", "list-b", "list-c");
    assertThat(all.path("next_cursor").isNull()).isTrue();

    Run table = ok(server.run("customers", "list", "--tier", "scale", "--limit", "2"));
    assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("CUSTOMER_ID").contains("TIER", "STATUS");
    assertThat(table.out()).contains("list-a", "list-b").doesNotContain("list-c").contains("--cursor");
  }

  @Test
  void customersList_search_sendsTheTextAndShowsOnlyMatches() {
    create("{\"customer_id\":\"srch-1\",\"name\":\"Quokka 100% Ltd\",\"tier\":\"scale\"}");
    create("{\"customer_id\":\"srch-2\",\"email\":\"ops@quokka.example\"}");
    create("{\"customer_id\":\"srch-3\",\"name\":\"Wombat\"}");

    assertThat(ids(ok(server.run("customers", "list", "--search", "QUOKKA", "--json")).json()))
        .containsExactly("srch-1", "srch-2");
    assertThat(ids(ok(server.run("customers", "list", "--search", "quokka", "--tier", "scale", "--json")).json()))
        .containsExactly("srch-1");
    assertThat(ids(ok(server.run("customers", "list", "--search", "a 100% l", "--json")).json()))
        .containsExactly("srch-1");
    JsonNode all = ok(server.run("customers", "list", "--search", "quokka", "--limit", "1", "--all", "--json")).json();
    assertThat(ids(all)).containsExactly("srch-1", "srch-2");
    assertThat(refused(server.run("customers", "list", "--search", "x".repeat(201)), "validation_failed").err())
        .contains("search");
  }

  @Test
  void customersGet_json_parses_andAnUnknownCustomerIsRefusedWithItsCode() {
    create("{\"customer_id\":\"get-me\",\"name\":\"Get Me\"}");

    JsonNode c = ok(server.run("customers", "get", "get-me", "--json")).json();
    assertThat(c.path("customer_id").asText()).isEqualTo("get-me");
    assertThat(c.path("keys").path("total").asInt()).isEqualTo(1);

    Run missing = refused(server.run("customers", "get", "nobody-here"), "customer_not_found");
    assertThat(missing.err()).contains("404").contains("nobody-here");
  }

  @Test
  void customersUpdate_changesTheGivenFields_andAnUnknownTierIsRefused() {
    create("{\"customer_id\":\"upd\",\"name\":\"Before\"}");

    Run run = ok(server.run("customers", "update", "upd", "--name", "After", "--tier", "scale", "--limits",
        "{\"rate_limit\":{\"requests\":300}}"));
    assertThat(run.out()).contains("After", "scale", "300 / 1 s");
    JsonNode stored = server.tollgate().admin("GET", "/admin/customers/upd").json();
    assertThat(stored.path("limits").path("rate_limit").path("requests").asInt()).isEqualTo(300);

    refused(server.run("customers", "update", "upd", "--tier", "platinum"), "unknown_tier");
  }

  @Test
  void customersSuspendEnableDeactivate_changeTheStatus_andADeactivatedCustomerCannotBeChanged() {
    create("{\"customer_id\":\"lifecycle\"}");

    assertThat(ok(server.run("customers", "suspend", "lifecycle", "--json")).json().path("status").asText())
        .isEqualTo("suspended");
    assertThat(ok(server.run("customers", "enable", "lifecycle")).out()).containsPattern("status\\s+active");
    assertThat(ok(server.run("customers", "deactivate", "lifecycle")).out()).containsPattern("status\\s+deactivated");

    refused(server.run("customers", "enable", "lifecycle"), "customer_deactivated");
  }

  @Test
  void namespacesAddAndRemove_changeTheCustomersNamespaces_andAnInvalidNameIsRefused() {
    create("{\"customer_id\":\"ns-cust\"}");

    assertThat(ok(server.run("namespaces", "add", "ns-cust", "staging")).out())
        .contains("ns-cust namespaces: default, staging");
    JsonNode after = ok(server.run("namespaces", "remove", "ns-cust", "default", "--json")).json();
    assertThat(after.path("namespaces").toString()).isEqualTo("[\"staging\"]");

    refused(server.run("namespaces", "add", "ns-cust", "Not_Valid!"), "invalid_namespace");
  }

  private static List<String> ids(JsonNode page) {
    return StreamSupport.stream(page.path("customers").spliterator(), false)
        .map(c -> c.path("customer_id").asText()).toList();
  }
}
