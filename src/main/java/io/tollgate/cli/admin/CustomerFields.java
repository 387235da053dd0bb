package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** The customer fields that {@code customers create} and {@code customers update} share (a picocli mixin). */
final class CustomerFields {
  @Option(names = "--name", paramLabel = "NAME", description = "display name ('' clears it on update)")
  String name;

  @Option(names = "--email", paramLabel = "EMAIL")
  String email;

  @Option(names = "--tier", paramLabel = "TIER", description = "a tier of the catalog (see tollgate tiers)")
  String tier;

  @Option(names = "--metadata", paramLabel = "JSON", converter = JsonArgument.class,
      description = "free-form JSON object (null clears it on update)")
  JsonNode metadata;

  @Option(names = "--limits", paramLabel = "JSON", converter = JsonArgument.class,
      description = "limit overrides, e.g. '{\"rate_limit\":{\"requests\":300}}' (null removes them on update)")
  JsonNode limits;

  /** Puts the fields given into {@code body}; returns it. */
  ObjectNode putInto(ObjectNode body) {
    Bodies.putText(body, "name", name);
    Bodies.putText(body, "email", email);
    Bodies.putText(body, "tier", tier);
    Bodies.putJson(body, "metadata", metadata);
    Bodies.putJson(body, "limits", limits);
    return body;
  }
}
