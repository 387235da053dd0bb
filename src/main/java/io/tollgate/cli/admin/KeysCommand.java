package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.AdminClient.segment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate keys ...}: a customer's API keys; a new key's secret is printed once, never again. */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Manage a customer's API keys through the Admin API.",
    footer = {"%nExamples:", "  tollgate keys list acme-corp", "  tollgate keys create acme-corp --name ci"})
final class KeysCommand {

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Every key of a customer.", "Active, revoked and expired keys; never a secret."},
      footer = {"%nExample:", "  tollgate keys list acme-corp"})
  int list(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(paramLabel = "CUSTOMER", description = "the customer_id") String customer) {
    return out.print(admin.client().get(keys(customer), Map.of()), KeyViews::list);
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "One key of a customer; never its secret.",
      footer = {"%nExample:", "  tollgate keys get acme-corp key_8QdA1b2C3d4E5f6G"})
  int get(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(index = "0", paramLabel = "CUSTOMER", description = "the customer_id") String customer,
      @Parameters(index = "1", paramLabel = "KEY_ID", description = "the key_id (key_...)") String keyId) {
    return out.print(admin.client().get(keys(customer) + "/" + segment(keyId), Map.of()), KeyViews::key);
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Issue another key for a customer.",
          "The secret is printed once: store it now, it cannot be shown again."},
      footer = {"%nExample:", "  tollgate keys create acme-corp --name ci --environment test \\",
          "      --namespace staging --expires-at 2026-12-31T23:59:59Z"})
  int create(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(paramLabel = "CUSTOMER", description = "the customer_id") String customer,
      @Option(names = "--name", paramLabel = "NAME") String name,
      @Option(names = "--environment", paramLabel = "ENV", description = "live (default) or test") String env,
      @Option(names = "--namespace", paramLabel = "NS", split = ",",
          description = "the key's scope, repeatable (default: every namespace of the customer)")
      List<String> namespaces,
      @Option(names = "--expires-at", paramLabel = "TIME", description = "RFC 3339, e.g. 2026-12-31T23:59:59Z")
      String expiresAt) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    Bodies.putText(body, "name", name);
    Bodies.putText(body, "environment", env);
    Bodies.putList(body, "namespaces", namespaces);
    Bodies.putText(body, "expires_at", expiresAt);
    return out.print(admin.client().post(keys(customer), body), KeyViews::issued);
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = {"Revoke one key now.", "Idempotent; the customer's other keys are untouched."},
      footer = {"%nExample:", "  tollgate keys revoke acme-corp key_8QdA1b2C3d4E5f6G"})
  int revoke(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(index = "0", paramLabel = "CUSTOMER", description = "the customer_id") String customer,
      @Parameters(index = "1", paramLabel = "KEY_ID", description = "the key_id (key_...)") String keyId) {
    return out.print(admin.client().delete(keys(customer) + "/" + segment(keyId)), KeyViews::key);
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {"Replace a key by a new one with the same name, environment and scope.",
          "The old key is revoked now, or after --grace-period-s. The new secret is printed once: store it now."},
      footer = {"%nExample:", "  tollgate keys rotate acme-corp key_8QdA1b2C3d4E5f6G --grace-period-s 3600"})
  int rotate(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(index = "0", paramLabel = "CUSTOMER", description = "the customer_id") String customer,
      @Parameters(index = "1", paramLabel = "KEY_ID", description = "the key_id (key_...)") String keyId,
      @Option(names = "--grace-period-s", paramLabel = "SECONDS",
          description = "seconds the old key keeps working, at most 604800 (default 0: revoked now)")
      Integer grace) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    if (grace != null) {
      body.put("grace_period_s", grace);
    }
    return out.print(admin.client().post(keys(customer) + "/" + segment(keyId) + "/rotate", body),
        KeyViews::issued);
  }

  private static String keys(String customer) {
    return "/admin/customers/" + segment(customer) + "/keys";
  }
}
