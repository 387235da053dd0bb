package io.tollgate.metering;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Refusals of the last hour as this process counted them, by the minute, in memory: what the store cannot tell
 * (it keeps refusals by day). Nothing is persisted; a restart starts from zero, and each gate node counts its own.
 * Thread-safe; counting never blocks.
 */
public final class RecentRefusals {
  /** How far back {@link #lastHour()} looks. */
  public static final Duration WINDOW = Duration.ofHours(1);
  private static final long MINUTES = WINDOW.toMinutes();

  private final InstantSource clock;
  private final Instant since;
  private final ConcurrentMap<Long, Minute> minutes = new ConcurrentHashMap<>();

  /**
   * What was refused in a window.
   *
   * @param from start of the window (never before the process started counting)
   * @param to end of the window (now)
   * @param total every refusal counted
   * @param byCode refusals by problem code
   * @param byCustomer refusals by customer id
   */
  public record Window(Instant from, Instant to, long total, Map<String, Long> byCode, Map<String, Long> byCustomer) {
    public Window {
      byCode = Map.copyOf(byCode);
      byCustomer = Map.copyOf(byCustomer);
    }
  }

  private record Minute(ConcurrentMap<String, LongAdder> byCode, ConcurrentMap<String, LongAdder> byCustomer) {
    Minute() {
      this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }
  }

  public RecentRefusals(InstantSource clock) {
    this.clock = clock;
    this.since = clock.instant();
  }

  /** Counts one refusal in the minute it happened. */
  public void count(RefusalEvent event) {
    long minute = event.at().getEpochSecond() / 60;
    Minute m = minutes.get(minute);
    if (m == null) {
      m = minutes.computeIfAbsent(minute, k -> new Minute());
      minutes.keySet().removeIf(k -> k <= minute - MINUTES);
    }
    m.byCode().computeIfAbsent(event.code(), k -> new LongAdder()).increment();
    m.byCustomer().computeIfAbsent(event.customerId(), k -> new LongAdder()).increment();
  }

  /** The refusals of the current minute and the 59 before it. */
  public Window lastHour() {
    Instant now = clock.instant();
    long current = now.getEpochSecond() / 60;
    Map<String, Long> byCode = new TreeMap<>();
    Map<String, Long> byCustomer = new TreeMap<>();
    minutes.forEach((minute, m) -> {
      if (minute > current - MINUTES && minute <= current) {
        m.byCode().forEach((k, v) -> byCode.merge(k, v.sum(), Long::sum));
        m.byCustomer().forEach((k, v) -> byCustomer.merge(k, v.sum(), Long::sum));
      }
    });
    Instant from = Instant.ofEpochSecond((current - MINUTES + 1) * 60);
    long total = byCode.values().stream().mapToLong(Long::longValue).sum();
    return new Window(from.isBefore(since) ? since : from, now, total, byCode, byCustomer);
  }

  /** {@code delegate}, with every refusal it records also counted here. */
  public UsageRecorder observing(UsageRecorder delegate) {
    return new UsageRecorder() {
      @Override
      public CompletionStage<Void> record(UsageEvent event) {
        return delegate.record(event);
      }

      @Override
      public void takeBack(UsageEvent event) {
        delegate.takeBack(event);
      }

      @Override
      public void recordRefusal(RefusalEvent event) {
        count(event);
        delegate.recordRefusal(event);
      }

      @Override
      public long backlog() {
        return delegate.backlog();
      }

      @Override
      public boolean storeFailing() {
        return delegate.storeFailing();
      }

      @Override
      public void close() {
        delegate.close();
      }
    };
  }
}
