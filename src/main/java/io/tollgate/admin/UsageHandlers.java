package io.tollgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.metering.UsageReport;
import io.tollgate.metering.UsageReports;
import io.tollgate.registry.CustomerDetails;
import io.tollgate.registry.CustomerService;
import io.tollgate.registry.Failure;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Usage documents: one customer, every customer, and one customer day by day. {@link #one} and {@link #every} take
 * the document's shape, so seed 003's usage routes read the same reports with the same checks.
 */
public final class UsageHandlers {
  private static final int MAX_DAYS = 366;
  private static final int DEFAULT_DAYS = 30;
  private final CustomerService customers;
  private final UsageReports reports;
  private final Blocking blocking;
  private final Supplier<QuotaPeriod> defaultQuotaPeriod;

  UsageHandlers(CustomerService customers, UsageReports reports, Blocking blocking,
      Supplier<QuotaPeriod> defaultQuotaPeriod) {
    this.customers = customers;
    this.reports = reports;
    this.blocking = blocking;
    this.defaultQuotaPeriod = defaultQuotaPeriod;
  }

  void customer(RoutingContext ctx) {
    one(ctx, ctx.pathParam("id"), UsageDocuments::report);
  }

  /**
   * Answers {@code render} of customer {@code id}'s report for {@code ?period=} (default: the current period of
   * its own quota); {@code 404 customer_not_found} when unknown, {@code 422} for an invalid period.
   */
  public void one(RoutingContext ctx, String id, Function<UsageReport, ? extends JsonNode> render) {
    QueryParams q = new QueryParams(ctx);
    Optional<BillingPeriod> period = q.period();
    if (q.refused()) {
      return;
    }
    blocking.run(ctx, () -> customers.get(id).map(d -> reports.customer(id, terms(d), period)),
        (c, report) -> report.ifPresentOrElse(r -> AdminJson.send(c, 200, render.apply(r)),
            () -> Problem.of(Failure.CUSTOMER_NOT_FOUND, "no customer with id " + id).send(c)));
  }

  /**
   * Every customer for one period; by default the current period of the default tier's quota (the current year
   * with the built-in catalog, the current month with a monthly one).
   */
  void all(RoutingContext ctx) {
    every(ctx, (period, list) -> {
      ObjectNode body = AdminJson.object().put("period", period.label())
          .put("period_start", period.start().toString()).put("period_end", period.end().toString());
      ArrayNode array = body.putArray("customers");
      list.forEach(r -> array.add(UsageDocuments.report(r)));
      return body;
    });
  }

  /**
   * Answers {@code render} of every stored customer's report for {@code ?period=} (default as {@link #all});
   * {@code 422} for an invalid period.
   */
  public void every(RoutingContext ctx, BiFunction<BillingPeriod, List<UsageReport>, ? extends JsonNode> render) {
    QueryParams q = new QueryParams(ctx);
    Optional<BillingPeriod> given = q.period();
    if (q.refused()) {
      return;
    }
    BillingPeriod period = given.orElseGet(() -> reports.currentPeriod(defaultQuotaPeriod.get()));
    blocking.run(ctx, () -> reports.all(period, everyTerms()),
        (c, list) -> AdminJson.send(c, 200, render.apply(period, list)));
  }

  private UsageReports.Terms terms(CustomerDetails d) {
    return new UsageReports.Terms(d.limits().quota(), customers.slaTarget(d.customer()));
  }

  /** Every stored customer's quota and SLA target, by customer id in id order. */
  private Map<String, UsageReports.Terms> everyTerms() {
    Map<String, UsageReports.Terms> out = new LinkedHashMap<>();
    customers.all().forEach(d -> out.put(d.customer().id(), terms(d)));
    return out;
  }

  /**
   * The billing export: one row per customer × operation for a period (default as {@link #all}), as JSON or CSV
   * ({@code ?format=json|csv}, default json); the JSON also carries every customer's SLA attainment.
   */
  void export(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx);
    Optional<BillingPeriod> given = q.period();
    String format = q.text("format").orElse("json");
    if (!format.equals("json") && !format.equals("csv")) {
      q.error("format", "must be json or csv");
    }
    if (q.refused()) {
      return;
    }
    BillingPeriod period = given.orElseGet(() -> reports.currentPeriod(defaultQuotaPeriod.get()));
    if (format.equals("csv")) {
      blocking.run(ctx, () -> reports.export(period), (c, rows) -> c.response()
          .putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"tollgate-usage-" + period.label() + ".csv\"")
          .end(UsageDocuments.csv(period, rows)));
    } else {
      blocking.run(ctx, () -> {
        UsageReports.Export export = reports.exportWithReports(period, everyTerms());
        return UsageDocuments.export(period, export.rows(), export.reports());
      }, (c, body) -> AdminJson.send(c, 200, body));
    }
  }

  /** Day by day, {@code from} and {@code to} inclusive (default: the 30 days up to today). */
  void daily(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    QueryParams q = new QueryParams(ctx);
    LocalDate to = q.date("to").orElseGet(reports::today);
    LocalDate from = q.date("from").orElseGet(() -> to.minusDays(DEFAULT_DAYS - 1));
    if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
      q.error("to", "must be on or after from, at most " + MAX_DAYS + " days later");
    }
    if (q.refused()) {
      return;
    }
    blocking.run(ctx, () -> customers.get(id).map(d -> {
      ObjectNode body = AdminJson.object().put("customer_id", id)
          .put("from", from.toString()).put("to", to.toString());
      ArrayNode days = body.putArray("days");
      BigDecimal target = customers.slaTarget(d.customer());
      reports.daily(id, from, to.plusDays(1)).forEach(day -> days.add(UsageDocuments.day(day, target)));
      return body;
    }), (c, body) -> body.ifPresentOrElse(b -> AdminJson.send(c, 200, b),
        () -> Problem.of(Failure.CUSTOMER_NOT_FOUND, "no customer with id " + id).send(c)));
  }
}
