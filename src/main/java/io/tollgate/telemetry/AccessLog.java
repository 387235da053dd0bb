package io.tollgate.telemetry;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.config.TollgateConfig;
import io.tollgate.files.PrivateFiles;
import io.tollgate.gate.GateObserver;
import io.tollgate.gate.GateOutcome;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The gate's access log: one JSON object per line and per request, in the order requests ended. The event loop only
 * puts the {@link GateOutcome} in a bounded queue; one writer thread ({@code tollgate-access-log}) turns what has
 * queued up into lines and hands them to a Logback appender (stdout, or a file rotated by size) in one write. When
 * the queue is full the line is dropped and counted in {@code tollgate_access_log_dropped_total}: the gate never
 * waits for its log. Lines name the customer and the key by id, never a key.
 *
 * <p>Each instance has its own Logback context, apart from the application's logging, so its lines carry no prefix
 * and two servers in one JVM (tests) never share a file.
 */
public final class AccessLog implements GateObserver, AutoCloseable {
  private static final int MAX_BATCH = 1024;
  private static final long IDLE_MS = 10;
  private static final long IDLE_NANOS = IDLE_MS * 1_000_000;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final JsonFactory JSON = new JsonFactory();
  private static final SerializedString NEWLINE = new SerializedString("\n");

  private final ArrayBlockingQueue<GateOutcome> queue;
  private final LoggerContext context;
  private final Logger lines;
  private final Counter dropped;
  private final Thread writer;
  private volatile boolean closing;

  private AccessLog(TollgateConfig.AccessLog config, MeterRegistry registry) {
    this.queue = new ArrayBlockingQueue<>(config.queueSize());
    this.context = new LoggerContext();
    context.setName("tollgate-access-log");
    context.setMDCAdapter(new LogbackMDCAdapter());
    OutputStreamAppender<ILoggingEvent> appender = appender(config, context);
    this.lines = context.getLogger("tollgate.access");
    lines.addAppender(appender);
    this.dropped = Counter.builder("tollgate.access.log.dropped")
        .description("Access log lines dropped because the writer fell behind").register(registry);
    this.writer = Thread.ofPlatform().name("tollgate-access-log").daemon().unstarted(this::run);
  }

  /** The access log {@code config} asks for, writing; empty when it is off. */
  public static Optional<AccessLog> start(TollgateConfig.AccessLog config, MeterRegistry registry) {
    if (config.target() == TollgateConfig.AccessLogTarget.OFF) {
      return Optional.empty();
    }
    AccessLog log = new AccessLog(config, registry);
    log.writer.start();
    return Optional.of(log);
  }

  @Override
  public void completed(GateOutcome outcome) {
    if (closing || !queue.offer(outcome)) {
      dropped.increment();
    }
  }

  /**
   * Wakes every {@value #IDLE_MS} ms when there is nothing to write, instead of waiting on the queue: a producer
   * then never has to wake the writer (a futex call and a context switch per request on a busy machine), and each
   * write carries everything that arrived meanwhile.
   */
  private void run() {
    List<GateOutcome> batch = new ArrayList<>(MAX_BATCH);
    StringWriter text = new StringWriter(64 * 1024);
    while (true) {
      queue.drainTo(batch, MAX_BATCH);
      if (batch.isEmpty()) {
        if (closing && queue.isEmpty()) {
          return;
        }
        LockSupport.parkNanos(IDLE_NANOS);
        continue;
      }
      text.getBuffer().setLength(0);
      write(batch, text);
      lines.info(text.toString());
      batch.clear();
    }
  }

  /** The lines of {@code batch}, separated by newlines (the appender ends the last one). */
  static void write(List<GateOutcome> batch, StringWriter out) {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.setRootValueSeparator(NEWLINE);
      for (GateOutcome o : batch) {
        line(g, o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
  }

  private static void line(JsonGenerator g, GateOutcome o) throws IOException {
    g.writeStartObject();
    g.writeStringField("time", o.at().toString());
    g.writeStringField("request_id", o.requestId());
    g.writeStringField("mode", o.mode());
    g.writeStringField("method", o.method());
    g.writeStringField("client", o.client());
    optional(g, "customer", o.customer());
    optional(g, "key_id", o.keyId());
    optional(g, "namespace", o.namespace());
    optional(g, "operation", o.operation());
    g.writeFieldName("units");
    if (o.unitsMilli() % 1000 == 0) {
      g.writeNumber(o.unitsMilli() / 1000);
    } else {
      g.writeNumber(BigDecimal.valueOf(o.unitsMilli(), 3).stripTrailingZeros().toPlainString());
    }
    g.writeNumberField("status", o.status());
    optional(g, "code", o.code());
    g.writeNumberField("total_ms", millis(o.totalNanos()));
    g.writeFieldName("decision_ms");
    if (o.decisionNanos().isPresent()) {
      g.writeNumber(millis(o.decisionNanos().get()));
    } else {
      g.writeNull();
    }
    g.writeFieldName("engine_ms");
    if (o.engineNanos().isPresent()) {
      g.writeNumber(millis(o.engineNanos().get()));
    } else {
      g.writeNull();
    }
    g.writeNumberField("bytes_in", o.bytesIn());
    g.writeNumberField("bytes_out", o.bytesOut());
    g.writeEndObject();
  }

  private static void optional(JsonGenerator g, String field, Optional<String> value) throws IOException {
    if (value.isPresent()) {
      g.writeStringField(field, value.get());
    } else {
      g.writeNullField(field);
    }
  }

  /** Milliseconds with microsecond precision. */
  private static double millis(long nanos) {
    return Math.round(nanos / 1000.0) / 1000.0;
  }

  private static OutputStreamAppender<ILoggingEvent> appender(TollgateConfig.AccessLog config, LoggerContext ctx) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%msg%n");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender;
    if (config.target() == TollgateConfig.AccessLogTarget.STDOUT) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.out");
      appender = console;
    } else {
      RollingFileAppender<ILoggingEvent> file = new PrivateFileAppender();
      String path = config.file().toAbsolutePath().toString();
      tightenRolled(path, config.maxFiles());
      file.setFile(path);
      FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
      rolling.setContext(ctx);
      rolling.setParent(file);
      rolling.setFileNamePattern(path + ".%i");
      rolling.setMinIndex(1);
      rolling.setMaxIndex(config.maxFiles());
      rolling.start();
      SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
      trigger.setContext(ctx);
      trigger.setMaxFileSize(new FileSize(config.maxFileBytes()));
      // Logback checks the size at most once a minute by default: a busy gate would overshoot by a minute of lines.
      // One check per write (a write is one batch) bounds the overshoot by one batch.
      trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(0));
      trigger.start();
      file.setRollingPolicy(rolling);
      file.setTriggeringPolicy(trigger);
      appender = file;
    }
    appender.setContext(ctx);
    appender.setName("access");
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }

  /** The files rolled by an earlier version, when files were created with the umask's permissions. */
  private static void tightenRolled(String path, int maxFiles) {
    try {
      for (int i = 1; i <= maxFiles; i++) {
        PrivateFiles.tighten(Path.of(path + "." + i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set the permissions of the access log " + path, e);
    }
  }

  /**
   * Opens the log file (at the start and after each roll) created {@code 0600}, in a directory created
   * {@code 0700}, whatever the umask; the rolled files keep those permissions, being renamed.
   */
  private static final class PrivateFileAppender extends RollingFileAppender<ILoggingEvent> {
    @Override
    public void openFile(String fileName) throws IOException {
      PrivateFiles.file(Path.of(fileName));
      super.openFile(fileName);
    }
  }

  /** Writes what is queued (for at most 10 s) and closes the file. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(CLOSE_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    context.stop();
  }
}
