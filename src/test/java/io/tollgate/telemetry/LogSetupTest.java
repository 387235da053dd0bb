package io.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Tollgate's own log, configured in code: the same lines, levels and target as the XML configuration it replaced. */
final class LogSetupTest {
  /** The logback.xml the jar shipped before {@link LogSetup}, word for word. */
  private static final String SHIPPED_XML = """
      <configuration>
        <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
        <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
          <target>System.err</target>
          <encoder>
            <pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{24} - %msg%n</pattern>
          </encoder>
        </appender>
        <logger name="com.zaxxer.hikari" level="WARN"/>
        <logger name="org.flywaydb" level="WARN"/>
        <logger name="io.netty" level="WARN"/>
        <root level="${TOLLGATE_LOG_LEVEL:-INFO}">
          <appender-ref ref="STDERR"/>
        </root>
      </configuration>
      """;

  @Test
  void ownLog_configuredInCode_writesTheLinesTheXmlConfigurationWrote() throws Exception {
    LoggerContext code = fresh();

    List<String> events = List.of("io.tollgate.cli.Server INFO tollgate started: node n-1, store sqlite",
        "io.tollgate.store.Database WARN store slow", "io.tollgate.gate.GateServer DEBUG not written",
        "com.zaxxer.hikari.HikariDataSource INFO not written", "com.zaxxer.hikari.pool.HikariPool WARN pool slow",
        "org.flywaydb.core.Flyway INFO not written", "io.netty.channel.nio.NioEventLoop ERROR loop failed");
    String fromCode = written(code, c -> LogSetup.install(c, Map.of()), events);

    assertThat(fromCode).isEqualTo(written(fresh(), LogSetupTest::configureFromXml, events));
    assertThat(fromCode.lines()).containsExactly(
        "2026-12-07T13:51:06.123Z INFO  [main] io.tollgate.cli.Server - tollgate started: node n-1, store sqlite",
        "2026-12-07T13:51:06.123Z WARN  [main] i.t.store.Database - store slow",
        "2026-12-07T13:51:06.123Z WARN  [main] c.z.h.pool.HikariPool - pool slow",
        "2026-12-07T13:51:06.123Z ERROR [main] i.n.c.nio.NioEventLoop - loop failed");
    assertThat(code.getStatusManager().getCopyOfStatusListenerList()).isNotEmpty(); // no Logback status lines
  }

  @Test
  void rootLevel_followsTollgateLogLevel_infoWhenUnsetOrBlank() {
    assertThat(LogSetup.rootLevel(Map.of())).isEqualTo(Level.INFO);
    assertThat(LogSetup.rootLevel(Map.of("TOLLGATE_LOG_LEVEL", " "))).isEqualTo(Level.INFO);
    assertThat(LogSetup.rootLevel(Map.of("TOLLGATE_LOG_LEVEL", "warn"))).isEqualTo(Level.WARN);
    assertThat(LogSetup.rootLevel(Map.of("TOLLGATE_LOG_LEVEL", "TRACE"))).isEqualTo(Level.TRACE);
    assertThat(LogSetup.rootLevel(Map.of("TOLLGATE_LOG_LEVEL", "loud"))).isEqualTo(Level.DEBUG); // as Logback's XML

    assertThat(written(fresh(), c -> LogSetup.install(c, Map.of("TOLLGATE_LOG_LEVEL", "ERROR")), List.of("io.tollgate.cli.Server WARN not written", "io.tollgate.cli.Server ERROR gone")))
        .endsWith("ERROR [main] io.tollgate.cli.Server - gone" + System.lineSeparator());
  }

  @Test
  void logback_findsTheConfigurationInCode_asTheServiceItIs() {
    LoggerContext running = (LoggerContext) LoggerFactory.getILoggerFactory();

    Logger root = running.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class, a -> {
      assertThat(a.getTarget()).isEqualTo("System.err");
      assertThat(((PatternLayoutEncoder) a.getEncoder()).getPattern()).isEqualTo(LogSetup.PATTERN);
    });
    assertThat(running.getLogger("org.flywaydb").getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void logbackConfigurationFile_set_leavesTheConfigurationToLogbacksXml() {
    LoggerContext context = fresh();
    LogSetup setup = new LogSetup();
    setup.setContext(context);
    System.setProperty("logback.configurationFile", "/etc/tollgate/logback.xml");
    try {
      assertThat(setup.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    } finally {
      System.clearProperty("logback.configurationFile");
    }
    assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    assertThat(setup.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
  }

  /** A context as Logback's own start makes it (with an MDC), not configured yet. */
  private static LoggerContext fresh() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    return context;
  }

  private static void configureFromXml(LoggerContext context) {
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    try {
      joran.doConfigure(new ByteArrayInputStream(SHIPPED_XML.getBytes(StandardCharsets.UTF_8)));
    } catch (JoranException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What {@code context}, configured by {@code configure}, writes to stderr for each "LOGGER LEVEL message" (thread
   * main, one fixed instant), the loggers' levels applied. stderr is captured before the appenders start.
   */
  private static String written(LoggerContext context, Consumer<LoggerContext> configure, List<String> events) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      configure.accept(context);
      for (String e : events) {
        String[] parts = e.split(" ", 3);
        Logger logger = context.getLogger(parts[0]);
        Level level = Level.toLevel(parts[1]);
        if (!logger.isEnabledFor(level)) {
          continue;
        }
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, parts[2], null, null);
        event.setThreadName("main");
        event.setTimeStamp(1796651466123L); // 2026-12-07T13:51:06.123Z
        logger.callAppenders(event);
      }
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(a -> {
        if (a instanceof OutputStreamAppender<ILoggingEvent> out) {
          out.stop(); // flushes
        }
      });
    } finally {
      System.setErr(before);
    }
    return err.toString(StandardCharsets.UTF_8);
  }
}
