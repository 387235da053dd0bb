package io.tollgate.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tollgate.metering.FlushListener;
import io.tollgate.metering.UsageRecorder;
import io.tollgate.metering.UsageSpill;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The usage recorder's meters: {@code tollgate_metering_backlog_events} (counted, not yet in the store),
 * {@code tollgate_metering_flush_seconds} (a histogram of batch writes), {@code tollgate_metering_flushed_events_total},
 * {@code tollgate_metering_flush_failures_total}, and the spill file's {@code tollgate_metering_spill_batches},
 * {@code tollgate_metering_spill_bytes} and {@code tollgate_metering_spill_full}.
 */
public final class MeteringMetrics implements FlushListener {
  private final MeterRegistry registry;
  private final Timer flush;
  private final Counter flushed;
  private final Counter failures;

  public MeteringMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.flush = Timer.builder("tollgate.metering.flush").description("Time to write one usage batch to the store")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(1000),
            Duration.ofSeconds(5))
        .register(registry);
    this.flushed = Counter.builder("tollgate.metering.flushed.events")
        .description("Usage events and refusals written to the store").register(registry);
    this.failures = Counter.builder("tollgate.metering.flush.failures")
        .description("Batch writes that failed and will be retried").register(registry);
  }

  /** Publishes {@code recorder}'s backlog and what waits in {@code spill} as gauges. */
  public void watch(UsageRecorder recorder, UsageSpill spill) {
    Gauge.builder("tollgate.metering.backlog", recorder, UsageRecorder::backlog).baseUnit("events")
        .description("Usage events and refusals counted in memory, neither written to the store nor spilled")
        .register(registry);
    Gauge.builder("tollgate.metering.spill.batches", spill, s -> s.status().batches())
        .description("Usage batches in the spill file, waiting for the store").register(registry);
    Gauge.builder("tollgate.metering.spill", spill, s -> s.status().bytes()).baseUnit("bytes")
        .description("Size of the usage batches in the spill file, waiting for the store").register(registry);
    Gauge.builder("tollgate.metering.spill.full", spill, s -> s.status().full() ? 1 : 0)
        .description("1 when a usage batch did not fit in the spill file (metering.spill_max_bytes) and waits in "
            + "memory, where a crash loses it").register(registry);
  }

  @Override
  public void applied(long events, long nanos) {
    flush.record(nanos, TimeUnit.NANOSECONDS);
    flushed.increment(events);
  }

  @Override
  public void failed(long nanos) {
    flush.record(nanos, TimeUnit.NANOSECONDS);
    failures.increment();
  }
}
