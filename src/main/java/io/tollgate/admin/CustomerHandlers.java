package io.tollgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.registry.Commands.CustomerPatch;
import io.tollgate.registry.Commands.NewCustomer;
import io.tollgate.registry.CustomerDetails;
import io.tollgate.registry.CustomerService;
import io.tollgate.registry.CustomerStatus;
import io.tollgate.registry.RegistryStore.CustomerQuery;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/** {@code /admin/customers} and {@code /admin/customers/{id}} (with its namespaces). */
final class CustomerHandlers {
  private final CustomerService customers;
  private final Blocking blocking;
  private final InstantSource clock;

  CustomerHandlers(CustomerService customers, Blocking blocking, InstantSource clock) {
    this.customers = customers;
    this.blocking = blocking;
    this.clock = clock;
  }

  void create(RoutingContext ctx) {
    JsonInput.parse(ctx).ifPresent(in -> {
      NewCustomer cmd = CommandReader.newCustomer(in);
      if (in.refused(ctx)) {
        return;
      }
      blocking.change(ctx, () -> customers.create(AdminAuth.actor(ctx), cmd), 201, created -> {
        ObjectNode doc = RegistryDocuments.customer(created.details(), clock.instant(), true);
        doc.set("api_key", RegistryDocuments.issued(created.firstKey(), clock.instant()));
        return doc;
      });
    });
  }

  void list(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx);
    int limit = q.limit();
    Optional<String> after = q.cursor();
    Optional<CustomerStatus> status = q.text("status").flatMap(s -> {
      Optional<CustomerStatus> parsed = CustomerStatus.fromWire(s);
      if (parsed.isEmpty()) {
        q.error("status", "must be active, suspended or deactivated");
      }
      return parsed;
    });
    Optional<String> tier = q.text("tier");
    Optional<String> search = q.search();
    if (q.refused()) {
      return;
    }
    blocking.run(ctx, () -> customers.list(new CustomerQuery(tier, status, search, after, limit + 1)), (c, page) -> {
      ObjectNode body = AdminJson.object();
      ArrayNode list = body.putArray("customers");
      List<CustomerDetails> shown = page.subList(0, Math.min(limit, page.size()));
      shown.forEach(d -> list.add(RegistryDocuments.customer(d, clock.instant(), false)));
      body.put("next_cursor", page.size() > limit ? Cursors.encode(shown.get(shown.size() - 1).customer().id()) : null);
      AdminJson.send(c, 200, body);
    });
  }

  void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking.run(ctx, () -> customers.get(id), (c, found) -> found.ifPresentOrElse(
        d -> AdminJson.send(c, 200, RegistryDocuments.customer(d, clock.instant(), true)),
        () -> Problem.of(io.tollgate.registry.Failure.CUSTOMER_NOT_FOUND, "no customer with id " + id).send(c)));
  }

  void patch(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonInput.parse(ctx).ifPresent(in -> {
      CustomerPatch patch = CommandReader.patch(in);
      if (in.refused(ctx)) {
        return;
      }
      blocking.change(ctx, () -> customers.update(AdminAuth.actor(ctx), id, patch), 200, this::render);
    });
  }

  void deactivate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking.change(ctx, () -> customers.deactivate(AdminAuth.actor(ctx), id), 200, this::render);
  }

  void grantNamespace(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonInput.parse(ctx).ifPresent(in -> {
      in.onlyFields(java.util.Set.of("namespace"));
      Optional<String> ns = in.string("namespace", 63);
      if (ns.isEmpty() && in.problem().isEmpty()) {
        in.error("namespace", "is required");
      }
      if (in.refused(ctx)) {
        return;
      }
      blocking.change(ctx, () -> customers.grantNamespace(AdminAuth.actor(ctx), id, ns.get()), 200, this::render);
    });
  }

  void withdrawNamespace(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String ns = ctx.pathParam("ns");
    blocking.change(ctx, () -> customers.withdrawNamespace(AdminAuth.actor(ctx), id, ns), 200, this::render);
  }

  private ObjectNode render(CustomerDetails d) {
    return RegistryDocuments.customer(d, clock.instant(), true);
  }
}
