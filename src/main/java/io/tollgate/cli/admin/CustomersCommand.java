package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.AdminClient.query;
import static io.tollgate.cli.admin.AdminClient.segment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tollgate customers ...}: list, show, create, change, suspend, enable and deactivate customers. */
@Command(name = "customers", mixinStandardHelpOptions = true,
    description = "Manage customers through the Admin API.",
    footer = {"%nExamples:", "  tollgate customers list --tier growth",
        "  tollgate customers create --id acme-corp --tier growth --namespace default"})
final class CustomersCommand {
  private static final String PATH = "/admin/customers";

  @Spec
  CommandSpec spec;

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List customers (every status), ordered by id, one page at a time.",
      footer = {"%nExamples:", "  tollgate customers list --status suspended --all",
          "  tollgate customers list --search acme"})
  int list(@Mixin AdminOptions admin, @Mixin Output out, @Mixin Paging paging,
      @Option(names = "--tier", paramLabel = "TIER", description = "only customers on this tier") String tier,
      @Option(names = "--status", paramLabel = "STATUS", description = "only active, suspended or deactivated")
      String status,
      @Option(names = "--search", paramLabel = "TEXT",
          description = "only customers whose id, name or email contains TEXT (ignoring ASCII case)") String search) {
    return out.print(paging.fetch(admin.client(), PATH,
        query("tier", tier, "status", status, "search", search), "customers"),
        CustomerViews::list);
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Show one customer with its effective limits and key counts.",
      footer = {"%nExample:", "  tollgate customers get acme-corp"})
  int get(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(paramLabel = "CUSTOMER", description = "the customer_id") String id) {
    return out.print(admin.client().get(PATH + "/" + segment(id), Map.of()), CustomerViews::customer);
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Create a customer and its first key.",
          "The key's secret is printed once: store it now, it cannot be shown again."},
      footer = {"%nExample:", "  tollgate customers create --id acme-corp --name 'Acme Corp' \\",
          "      --email ops@acme.example --tier growth --namespace default,staging"})
  int create(@Mixin AdminOptions admin, @Mixin Output out, @Mixin CustomerFields fields,
      @Option(names = "--id", paramLabel = "CUSTOMER", description = "customer_id (default: generated cus_...)")
      String id,
      @Option(names = "--namespace", paramLabel = "NS", split = ",",
          description = "allowed namespace, repeatable (default: default)") List<String> namespaces) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    Bodies.putText(body, "customer_id", id);
    Bodies.putList(body, "namespaces", namespaces);
    return out.print(admin.client().post(PATH, fields.putInto(body)), CustomerViews::created);
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = {"Change a customer; options not given keep their value.",
          "--namespaces, --metadata and --limits replace the stored value as a whole; --metadata null and "
              + "--limits null clear them, --name '' clears the name."},
      footer = {"%nExamples:", "  tollgate customers update acme-corp --tier scale",
          "  tollgate customers update acme-corp --limits '{\"rate_limit\":{\"requests\":300}}'"})
  int update(@Mixin AdminOptions admin, @Mixin Output out, @Mixin CustomerFields fields,
      @Parameters(paramLabel = "CUSTOMER", description = "the customer_id") String id,
      @Option(names = "--namespaces", paramLabel = "NS", split = ",",
          description = "the new full list of namespaces, e.g. default,staging") List<String> namespaces) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    Bodies.putList(body, "namespaces", namespaces);
    if (fields.putInto(body).isEmpty()) {
      throw new ParameterException(spec.subcommands().get("update"),
          "nothing to change: give --name, --email, --tier, --namespaces, --metadata or --limits");
    }
    return out.print(admin.client().patch(PATH + "/" + segment(id), body), CustomerViews::customer);
  }

  @Command(name = "suspend", mixinStandardHelpOptions = true,
      description = {"Suspend a customer.", "The gate refuses every key of it with 403 until it is enabled."},
      footer = {"%nExample:", "  tollgate customers suspend acme-corp"})
  int suspend(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(paramLabel = "CUSTOMER", description = "the customer_id") String id) {
    return setActive(admin, out, id, false);
  }

  @Command(name = "enable", mixinStandardHelpOptions = true,
      description = "Enable a suspended customer again.",
      footer = {"%nExample:", "  tollgate customers enable acme-corp"})
  int enable(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(paramLabel = "CUSTOMER", description = "the customer_id") String id) {
    return setActive(admin, out, id, true);
  }

  @Command(name = "deactivate", mixinStandardHelpOptions = true,
      description = {"Deactivate a customer (soft delete, final).",
          "Every key stops at once; usage and the audit log are kept until the retention period purges them. "
              + "Repeatable."},
      footer = {"%nExample:", "  tollgate customers deactivate acme-corp"})
  int deactivate(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(paramLabel = "CUSTOMER", description = "the customer_id") String id) {
    return out.print(admin.client().delete(PATH + "/" + segment(id)), CustomerViews::customer);
  }

  private static int setActive(AdminOptions admin, Output out, String id, boolean active) {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("active", active);
    return out.print(admin.client().patch(PATH + "/" + segment(id), body), CustomerViews::customer);
  }
}
