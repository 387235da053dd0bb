package io.tollgate.metering;

import io.tollgate.limits.Units;
import io.tollgate.metering.Tally.RefusalKey;
import io.tollgate.metering.Tally.UsageKey;
import io.tollgate.metering.UsageBatch.RefusalRow;
import io.tollgate.metering.UsageBatch.UsageRow;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges what the stripes held into the rows of one batch. Rows come out in primary-key order (customer, day,
 * key, operation or code), so that nodes writing the same rows at once lock them in the same order and cannot
 * deadlock each other. Used by the flusher thread only; not thread-safe.
 */
final class BatchRows {
  private static final Comparator<UsageKey> USAGE_ORDER = Comparator.comparing(UsageKey::customerId)
      .thenComparingLong(UsageKey::epochDay).thenComparing(UsageKey::keyId).thenComparing(UsageKey::operation);
  private static final Comparator<RefusalKey> REFUSAL_ORDER = Comparator.comparing(RefusalKey::customerId)
      .thenComparingLong(RefusalKey::epochDay).thenComparing(RefusalKey::keyId).thenComparing(RefusalKey::code);

  private final Map<UsageKey, long[]> usage = new HashMap<>();
  private final Map<RefusalKey, long[]> refusals = new HashMap<>();
  private final Map<UsageKey, long[]> takenBack = new HashMap<>();
  private long events;

  /** Adds one stripe's contents; the contents' arrays may be reused. */
  void add(Tally.Contents contents) {
    mergeUsage(usage, contents.usage());
    mergeUsage(takenBack, contents.takenBack());
    contents.refusals().forEach((key, count) -> refusals.merge(key, count, (a, b) -> {
      a[0] = Math.addExact(a[0], b[0]);
      return a;
    }));
    events += contents.events();
  }

  /** Adds refusals alone (taken with {@link Tally#swapRefusals}); the arrays may be reused. */
  void addRefusals(Map<RefusalKey, long[]> from) {
    add(new Tally.Contents(Map.of(), from, Map.of(), Tally.events(from), null));
  }

  /** The refusals merged so far, by key, as fresh arrays: what {@link Tally#restoreRefusals} gives back. */
  Map<RefusalKey, long[]> refusals() {
    Map<RefusalKey, long[]> copy = new HashMap<>();
    refusals.forEach((key, count) -> copy.put(key, count.clone()));
    return copy;
  }

  private static void mergeUsage(Map<UsageKey, long[]> into, Map<UsageKey, long[]> from) {
    from.forEach((key, sums) -> into.merge(key, sums, (a, b) -> {
      a[0] = Math.addExact(a[0], b[0]);
      a[1] = Math.addExact(a[1], b[1]);
      return a;
    }));
  }

  /** Usage and refusal events merged so far. */
  long events() {
    return events;
  }

  /** The batch {@code id} with every row merged so far. */
  UsageBatch toBatch(String id) {
    List<UsageRow> usageRows = usageRows(usage);
    List<RefusalRow> refusalRows = refusals.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(REFUSAL_ORDER))
        .map(e -> new RefusalRow(e.getKey().customerId(), e.getKey().keyId(), e.getKey().code(),
            LocalDate.ofEpochDay(e.getKey().epochDay()), e.getValue()[0]))
        .toList();
    return new UsageBatch(id, usageRows, usageRows(takenBack), refusalRows);
  }

  private static List<UsageRow> usageRows(Map<UsageKey, long[]> sums) {
    return sums.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(USAGE_ORDER))
        .map(e -> new UsageRow(e.getKey().customerId(), e.getKey().keyId(), e.getKey().operation(),
            LocalDate.ofEpochDay(e.getKey().epochDay()), new Units(e.getValue()[0]), e.getValue()[1]))
        .toList();
  }
}
