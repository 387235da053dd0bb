package io.tollgate.metering;

import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.Quota;
import io.tollgate.limits.QuotaPeriod;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Usage documents over the usage tables, with UTC period arithmetic. Blocking; thread-safe. */
public final class UsageReports {
  private final UsageStore store;
  private final InstantSource clock;

  public UsageReports(UsageStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  public LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  /** The period of the quota that contains today. */
  public BillingPeriod currentPeriod(QuotaPeriod length) {
    return length.containing(today());
  }

  /** One customer over {@code period}, or its current quota period when empty. */
  public UsageReport customer(String customerId, Terms terms, Optional<BillingPeriod> period) {
    BillingPeriod p = period.orElseGet(() -> currentPeriod(terms.quota().period()));
    return new UsageReport(customerId, p, store.totals(customerId, p.firstDay(), p.endDay()), terms.quota(),
        terms.slaTarget());
  }

  /** Every listed customer over {@code period}; customers without usage report zeros. */
  public List<UsageReport> all(BillingPeriod period, Map<String, Terms> termsByCustomer) {
    return reports(period, termsByCustomer, store.totalsByCustomer(period.firstDay(), period.endDay()));
  }

  private static List<UsageReport> reports(BillingPeriod period, Map<String, Terms> termsByCustomer,
      Map<String, UsageTotals> totals) {
    return termsByCustomer.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> new UsageReport(e.getKey(), period, totals.getOrDefault(e.getKey(), UsageTotals.EMPTY),
            e.getValue().quota(), e.getValue().slaTarget()))
        .toList();
  }

  /**
   * What a customer's usage is measured against.
   *
   * @param quota its effective quota
   * @param slaTarget its tier's {@code sla}, in percent
   */
  public record Terms(Quota quota, BigDecimal slaTarget) {}

  /**
   * The billing export with every listed customer's report, both read from one snapshot of the store (the rows and
   * the SLA figures of one export never straddle a batch).
   *
   * @param rows as {@link #export}
   * @param reports as {@link #all}
   */
  public record Export(List<UsageStore.ExportRow> rows, List<UsageReport> reports) {}

  /** {@link #export} and {@link #all} of {@code period} from one snapshot. */
  public Export exportWithReports(BillingPeriod period, Map<String, Terms> termsByCustomer) {
    UsageStore.Billing b = store.billing(period.firstDay(), period.endDay());
    return new Export(b.rows(), reports(period, termsByCustomer, b.totals()));
  }

  /** One row per customer × operation over {@code period}: the billing export. */
  public List<UsageStore.ExportRow> export(BillingPeriod period) {
    return store.exportRows(period.firstDay(), period.endDay());
  }

  /** Day by day in {@code [from, to)}. */
  public List<DailyUsage> daily(String customerId, LocalDate from, LocalDate to) {
    return store.daily(customerId, from, to);
  }
}
