package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.AdminClient.segment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tollgate namespaces add|remove}: grant or withdraw one namespace of a customer. */
@Command(name = "namespaces", mixinStandardHelpOptions = true,
    description = "Grant or withdraw a customer's namespaces.",
    footer = {"%nExample:", "  tollgate namespaces add acme-corp staging"})
final class NamespacesCommand {

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Grant a namespace to a customer (idempotent).",
      footer = {"%nExample:", "  tollgate namespaces add acme-corp staging"})
  int add(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(index = "0", paramLabel = "CUSTOMER", description = "the customer_id") String customer,
      @Parameters(index = "1", paramLabel = "NAMESPACE") String namespace) {
    return out.print(admin.client().post(path(customer),
        JsonNodeFactory.instance.objectNode().put("namespace", namespace)), CustomerViews::namespaces);
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = {"Withdraw a namespace from a customer.",
          "Withdrawing a namespace the customer does not have changes nothing."},
      footer = {"%nExample:", "  tollgate namespaces remove acme-corp staging"})
  int remove(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(index = "0", paramLabel = "CUSTOMER", description = "the customer_id") String customer,
      @Parameters(index = "1", paramLabel = "NAMESPACE") String namespace) {
    return out.print(admin.client().delete(path(customer) + "/" + segment(namespace)), CustomerViews::namespaces);
  }

  private static String path(String customer) {
    return "/admin/customers/" + segment(customer) + "/namespaces";
  }
}
