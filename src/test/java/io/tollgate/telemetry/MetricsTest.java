package io.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The JVM's and the process's meters are bound after the listeners accept, yet no scrape ever lacks them: a scrape
 * before the start binds them binds them itself, and binding twice registers nothing twice.
 */
final class MetricsTest {
  @Test
  void scrape_beforeTheJvmMetersAreBound_hasThem() {
    try (Metrics metrics = new Metrics()) {
      assertThat(metrics.registry().find("jvm.memory.used").meters()).isEmpty();

      assertThat(metrics.scrape()).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads ",
          "jvm_classes_loaded_classes ", "process_cpu_usage ", "process_uptime_seconds ", "process_files_open_files ");
    }
  }

  @Test
  void bindJvmMeters_twice_bindsEachMeterOnce() {
    try (Metrics metrics = new Metrics()) {
      metrics.bindJvmMeters();
      int meters = metrics.registry().getMeters().size();

      metrics.bindJvmMeters();
      metrics.scrape();

      assertThat(metrics.registry().getMeters()).hasSize(meters);
      assertThat(metrics.registry().find("process.uptime").meters()).hasSize(1);
    }
  }
}
