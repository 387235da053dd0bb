package io.tollgate.admin.compat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.admin.AdminAuth;
import io.tollgate.admin.AdminJson;
import io.tollgate.admin.Blocking;
import io.tollgate.admin.JsonInput;
import io.tollgate.admin.Problem;
import io.tollgate.registry.Commands.CustomerPatch;
import io.tollgate.registry.Commands.NewCustomer;
import io.tollgate.registry.Commands.NewKey;
import io.tollgate.registry.CustomerService;
import io.tollgate.registry.KeyService;
import io.tollgate.registry.LimitOverrides;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Seed 003's {@code /gate/onboard/*} and {@code GET /gate/tenants}: each reads the seed's fields, calls the service
 * that the matching {@code /admin/*} route calls, and answers in the seed's names. Refusals are the Admin API's
 * problem documents, with the seed's field names in a 422.
 */
final class TenantHandlers {
  /** The seed's default plan. */
  static final String DEFAULT_PLAN = "starter";
  private static final int ID_MAX = 63;
  private static final int NAMESPACES_MAX = 1000;
  private final CustomerService customers;
  private final Blocking blocking;
  private final KeyRotation rotation;

  TenantHandlers(CustomerService customers, KeyService keys, Blocking blocking, java.time.InstantSource clock) {
    this.customers = customers;
    this.blocking = blocking;
    this.rotation = new KeyRotation(keys, clock);
  }

  /** {@code POST /gate/onboard/create}: a customer and its first key, as {@code POST /admin/customers}. */
  void create(RoutingContext ctx) {
    JsonInput.parse(ctx).ifPresent(in -> {
      in.onlyFields(Set.of("tenant_id", "plan", "namespaces", "email"));
      NewCustomer cmd = new NewCustomer(in.requiredString("tenant_id", ID_MAX), Optional.empty(), in.email("email"),
          Optional.of(in.string("plan", 64).orElse(DEFAULT_PLAN)), in.strings("namespaces", NAMESPACES_MAX),
          Map.of(), LimitOverrides.NONE, NewKey.unnamed());
      if (in.refused(ctx)) {
        return;
      }
      blocking.change(ctx, () -> customers.create(AdminAuth.actor(ctx), cmd), 201, created -> {
        ObjectNode doc = AdminJson.object().put("tenant_id", created.details().customer().id())
            .put("api_key", created.firstKey().secret()).put("key_id", created.firstKey().key().id())
            .put("plan", created.details().customer().tier());
        doc.set("namespaces", AdminJson.valueOf(created.details().customer().namespaces()));
        return TenantDocuments.withPlan(doc, created.details().limits());
      });
    });
  }

  /**
   * {@code POST /gate/onboard/rotate}: a new key in place of {@code key_id}, or of the tenant's only active key;
   * the old one is revoked at once, as {@code POST /admin/customers/{id}/keys/{key_id}/rotate} without a grace
   * period.
   */
  void rotate(RoutingContext ctx) {
    JsonInput.parse(ctx).ifPresent(in -> {
      in.onlyFields(Set.of("tenant_id", "key_id"));
      Optional<String> id = in.requiredString("tenant_id", ID_MAX);
      Optional<String> keyId = in.string("key_id", 64);
      if (in.refused(ctx)) {
        return;
      }
      blocking.run(ctx, () -> rotation.rotate(AdminAuth.actor(ctx), id.get(), keyId), (c, result) -> {
        switch (result) {
          case KeyRotation.Result.Rotated(var issued) -> AdminJson.send(c, 200, AdminJson.object()
              .put("tenant_id", id.get()).put("api_key", issued.secret()).put("key_id", issued.key().id())
              .put("replaces", issued.key().replaces().orElse(null)));
          case KeyRotation.Result.Refused(Problem problem) -> problem.send(c);
        }
      });
    });
  }

  /** {@code POST /gate/onboard/namespaces}: grants one namespace, as {@code POST /admin/customers/{id}/namespaces}. */
  void grantNamespace(RoutingContext ctx) {
    JsonInput.parse(ctx).ifPresent(in -> {
      in.onlyFields(Set.of("tenant_id", "namespace"));
      Optional<String> id = in.requiredString("tenant_id", ID_MAX);
      Optional<String> ns = in.requiredString("namespace", ID_MAX);
      if (in.refused(ctx)) {
        return;
      }
      blocking.change(ctx, () -> customers.grantNamespace(AdminAuth.actor(ctx), id.get(), ns.get()), 200,
          TenantDocuments::tenant);
    });
  }

  /** {@code POST /gate/onboard/tier}: a new plan, as {@code PATCH /admin/customers/{id}} with {@code tier}. */
  void changePlan(RoutingContext ctx) {
    JsonInput.parse(ctx).ifPresent(in -> {
      in.onlyFields(Set.of("tenant_id", "plan"));
      Optional<String> id = in.requiredString("tenant_id", ID_MAX);
      Optional<String> plan = in.requiredString("plan", 64);
      if (in.refused(ctx)) {
        return;
      }
      CustomerPatch patch = new CustomerPatch(Optional.empty(), Optional.empty(), plan, Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty());
      blocking.change(ctx, () -> customers.update(AdminAuth.actor(ctx), id.get(), patch), 200,
          TenantDocuments::plan);
    });
  }

  /** {@code POST /gate/onboard/deactivate}: as {@code DELETE /admin/customers/{id}}; repeatable. */
  void deactivate(RoutingContext ctx) {
    JsonInput.parse(ctx).ifPresent(in -> {
      in.onlyFields(Set.of("tenant_id"));
      Optional<String> id = in.requiredString("tenant_id", ID_MAX);
      if (in.refused(ctx)) {
        return;
      }
      blocking.change(ctx, () -> customers.deactivate(AdminAuth.actor(ctx), id.get()), 200,
          TenantDocuments::tenant);
    });
  }

  /** {@code GET /gate/tenants}: every customer, deactivated ones included (with {@code active: false}). */
  void list(RoutingContext ctx) {
    blocking.run(ctx, customers::all, (c, all) -> {
      ObjectNode body = AdminJson.object();
      ArrayNode list = body.putArray("tenants");
      all.forEach(d -> list.add(TenantDocuments.tenant(d)));
      AdminJson.send(c, 200, body);
    });
  }
}
