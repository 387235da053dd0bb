package io.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.config.TollgateConfig;
import io.tollgate.gate.GateOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log's file: rotated by size as configured, keeping at most {@code max_files} old files. */
final class AccessLogTest {
  private static final long MAX_FILE = 64 * 1024;
  private static final int BATCH = 100;

  @TempDir Path dir;

  @Test
  void file_growingPastMaxFileSize_isRotated_andAtMostMaxFilesAreKept() throws IOException {
    Path file = dir.resolve("access.log");
    var config = new TollgateConfig.AccessLog(TollgateConfig.AccessLogTarget.FILE, file, MAX_FILE, 2, 4096);
    try (AccessLog log = AccessLog.start(config, new SimpleMeterRegistry()).orElseThrow()) {
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < BATCH; i++) {
          log.completed(outcome("r" + round + "-" + i));
        }
        String last = "\"r" + round + "-" + (BATCH - 1) + "\"";
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readString(file).contains(last));
      }
    }
    long biggest = Files.size(file);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("access.log", "access.log.1", "access.log.2");
    }
    for (Path p : new Path[] {file, dir.resolve("access.log.1"), dir.resolve("access.log.2")}) {
      biggest = Math.max(biggest, Files.size(p));
      try (Stream<String> lines = Files.lines(p)) {
        assertThat(lines).as("every line of %s is whole", p).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
      }
    }
    // the size is checked before each write, and a write here is one batch of 100 lines (about 35 KB)
    assertThat(biggest).isLessThan(MAX_FILE + 40 * 1024);
  }

  private static GateOutcome outcome(String requestId) {
    return new GateOutcome(Instant.parse("2026-11-24T00:00:00Z"), requestId, "proxy", "GET", "127.0.0.1",
        Optional.of("acme"), Optional.of("key_0123456789abcdef"), Optional.of("default"), Optional.of("get"), 500,
        200, Optional.empty(), 1_000_000, Optional.of(5_000L), Optional.of(900_000L), 0, 120, false);
  }
}
