package io.tollgate.limits;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Units used per customer in the current month and the current year, held in memory and seeded at start from the
 * stored usage. A request reserves its units before it is forwarded (refused when they would pass the quota) and
 * the reservation is settled when the engine answers: kept, corrected to the reported units, or released. That
 * keeps "admitted ≤ quota + in flight". Both counters always move together, so a tier change from a monthly to a
 * yearly quota finds the year's usage already counted. Counters belong to an {@link Account}, one creation of a
 * customer: a customer purged and created again starts from zero, and the stored usage seeds only accounts that
 * existed when it was read. The arithmetic saturates: no amount, however large, makes a counter wrap or go negative.
 * Usage that another process billed but that reached the store only after the seeds were read (a spill file it left,
 * replayed by this one) is {@linkplain #inherit inherited}. Thread-safe; lock-free on the request path.
 */
public final class QuotaLedger {
  private final Map<String, Units> seedMonth;
  private final String seedMonthLabel;
  private final Map<String, Units> seedYear;
  private final String seedYearLabel;
  private final Instant seededAt;
  private final ConcurrentHashMap<Account, Counters> counters = new ConcurrentHashMap<>();

  /** A counter of one period; replaced by a fresh one when a later period begins. */
  private record Counter(String label, LocalDate firstDay, AtomicLong milli) {}

  private static final class Counters {
    volatile Counter month;
    volatile Counter year;
    /**
     * The counters {@link #month} and {@link #year} replaced last (or one made for an earlier period than theirs):
     * a request decided in the last instant of a period, on another event loop, may reserve just after one of the
     * next period did, and is checked against its own period as counted. Under this object's lock for writes.
     */
    volatile Counter monthBefore;
    volatile Counter yearBefore;
    /** {@link #inherit inherited} milli-units by period label, for a counter made later; under this object's lock. */
    final Map<String, Long> inherited = new java.util.HashMap<>();
  }

  /**
   * A quota check.
   *
   * @param allowed whether the units fit (and, for a reservation, were reserved)
   * @param used units used in the period after this request (or now, when refused)
   * @param quota the quota of the period
   * @param untilReset time until the period ends
   */
  public record Verdict(boolean allowed, Units used, Units quota, Duration untilReset) {
    public Units remaining() {
      return new Units(Math.max(0, quota.milli() - used.milli()));
    }
  }

  /**
   * @param seedMonth units used per customer in {@code seededAt}'s month, from the store
   * @param seedYear units used per customer in {@code seededAt}'s year, from the store
   * @param seededAt when the seeds were read: they count for the accounts created at or before it only
   */
  public QuotaLedger(Map<String, Units> seedMonth, Map<String, Units> seedYear, Instant seededAt) {
    this.seedMonth = Map.copyOf(seedMonth);
    this.seedYear = Map.copyOf(seedYear);
    this.seededAt = seededAt;
    this.seedMonthLabel = QuotaPeriod.MONTH.containing(seededAt).label();
    this.seedYearLabel = QuotaPeriod.YEAR.containing(seededAt).label();
  }

  /** Reserves {@code units} of the account's quota at {@code now} when they fit. */
  public Verdict tryReserve(Account account, Quota quota, Units units, Instant now) {
    BillingPeriod period = quota.period().containing(now);
    Counter checked = counter(account, period);
    while (true) {
      long used = checked.milli().get();
      if (!fits(used, units, quota)) {
        return new Verdict(false, new Units(used), quota.units(), Duration.between(now, quota.period().endOfPeriodAt(now)));
      }
      long after = used + units.milli();
      if (checked.milli().compareAndSet(used, after)) {
        QuotaPeriod other = quota.period() == QuotaPeriod.MONTH ? QuotaPeriod.YEAR : QuotaPeriod.MONTH;
        counter(account, other.containing(now)).milli().getAndUpdate(v -> plus(v, units.milli()));
        return new Verdict(true, new Units(after), quota.units(), Duration.between(now, quota.period().endOfPeriodAt(now)));
      }
    }
  }

  /** The account's standing at {@code now}, as if {@code units} were asked, reserving nothing. */
  public Verdict peek(Account account, Quota quota, Units units, Instant now) {
    BillingPeriod period = quota.period().containing(now);
    long used = counter(account, period).milli().get();
    return new Verdict(fits(used, units, quota), new Units(used), quota.units(), Duration.between(now, quota.period().endOfPeriodAt(now)));
  }

  /** Whether {@code units} more fit, written so that no sum can overflow ({@code used} and the quota are >= 0). */
  private static boolean fits(long used, Units units, Quota quota) {
    return units.milli() <= quota.units().milli() - used;
  }

  /** {@code v + delta} held within 0 and {@link Long#MAX_VALUE}, for a counter {@code v >= 0}. */
  private static long plus(long v, long delta) {
    long sum = v + delta;
    if (delta > 0 && sum < v) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, sum);
  }

  /**
   * Settles a reservation made at {@code reservedAt}: keeps {@code actual} units instead of {@code reserved}
   * ({@code actual} zero releases it). A period that has ended since is left alone.
   */
  public void settle(Account account, Units reserved, Units actual, Instant reservedAt) {
    long delta = actual.milli() - reserved.milli(); // both are >= 0: the difference cannot overflow
    if (delta == 0) {
      return;
    }
    Counters cs = counters.get(account);
    if (cs == null) {
      return;
    }
    String month = QuotaPeriod.MONTH.containing(reservedAt).label();
    String year = QuotaPeriod.YEAR.containing(reservedAt).label();
    for (Counter c : new Counter[] {cs.month, cs.year}) {
      if (c != null && (c.label().equals(month) || c.label().equals(year))) {
        c.milli().getAndUpdate(v -> plus(v, delta));
      }
    }
  }

  /**
   * Counts {@code milli} thousandths of a unit (negative: taken back) of {@code day} that reached the store after the
   * seeds were read, from another process (a spill file it left, replayed now): they go to the month and the year
   * of {@code day}, in the counters this account has and in those it makes later. Only for an account the seeds
   * count for (created by then), as usage of the store is.
   */
  public void inherit(Account account, LocalDate day, long milli) {
    if (milli == 0 || account.createdAt().isAfter(seededAt)) {
      return;
    }
    String month = QuotaPeriod.MONTH.containing(day).label();
    String year = QuotaPeriod.YEAR.containing(day).label();
    Counters cs = counters.computeIfAbsent(account, a -> new Counters());
    synchronized (cs) { // with counter(): a counter made meanwhile gets the units once, from here or from its seed
      cs.inherited.merge(month, milli, Long::sum);
      cs.inherited.merge(year, milli, Long::sum);
      for (Counter c : new Counter[] {cs.month, cs.year}) {
        if (c != null && (c.label().equals(month) || c.label().equals(year))) {
          c.milli().getAndUpdate(v -> plus(v, milli));
        }
      }
    }
  }

  private Counter counter(Account account, BillingPeriod period) {
    Counters cs = counters.computeIfAbsent(account, a -> new Counters());
    Counter c = period.length() == QuotaPeriod.MONTH ? cs.month : cs.year;
    if (c != null && c.label().equals(period.label())) {
      return c;
    }
    synchronized (cs) {
      boolean month = period.length() == QuotaPeriod.MONTH;
      c = month ? cs.month : cs.year;
      if (c != null && c.label().equals(period.label())) {
        return c;
      }
      Counter before = month ? cs.monthBefore : cs.yearBefore;
      if (before != null && before.label().equals(period.label())) {
        return before;
      }
      Counter fresh = new Counter(period.label(), period.firstDay(),
          new AtomicLong(plus(seed(account, period), cs.inherited.getOrDefault(period.label(), 0L))));
      boolean earlier = c != null && c.firstDay().isAfter(period.firstDay());
      // a later period replaces the current counter, which is kept as the one before; an earlier one never does
      Counter replaced = earlier ? fresh : c;
      if (month) {
        cs.monthBefore = replaced;
        cs.month = earlier ? c : fresh;
      } else {
        cs.yearBefore = replaced;
        cs.year = earlier ? c : fresh;
      }
      return fresh;
    }
  }

  private long seed(Account account, BillingPeriod period) {
    if (account.createdAt().isAfter(seededAt)) {
      return 0; // created after the stored usage was read: none of it can be this account's
    }
    String customerId = account.customerId();
    if (period.length() == QuotaPeriod.MONTH && period.label().equals(seedMonthLabel)) {
      return seedMonth.getOrDefault(customerId, Units.ZERO).milli();
    }
    if (period.length() == QuotaPeriod.YEAR && period.label().equals(seedYearLabel)) {
      return seedYear.getOrDefault(customerId, Units.ZERO).milli();
    }
    return 0;
  }
}
