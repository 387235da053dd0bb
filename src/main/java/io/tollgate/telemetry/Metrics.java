package io.tollgate.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One process's meters, with the JVM's and the process's own, scraped in Prometheus text format. The JVM's and the
 * process's meters (memory, GC, threads, class loading, CPU, uptime, file descriptors) are bound by
 * {@link #bindJvmMeters()}, which a start calls once its listeners accept (their set-up was about a tenth of the
 * start's main thread, docs/performance.md), and {@link #scrape()} at the latest: every scrape has them.
 */
public final class Metrics implements AutoCloseable {
  /** The content type of {@link #scrape()}: Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private boolean jvmBound;

  /** A registry without the JVM's meters yet ({@link #bindJvmMeters()}). */
  public Metrics() {}

  /** Binds the JVM's and the process's meters, the first time only. Thread-safe. */
  public synchronized void bindJvmMeters() {
    if (jvmBound) {
      return;
    }
    jvmBound = true;
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter in Prometheus text format, the JVM's included. */
  public String scrape() {
    bindJvmMeters();
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
