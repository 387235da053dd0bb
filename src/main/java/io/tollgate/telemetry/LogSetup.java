package io.tollgate.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import java.util.Map;
import java.util.Optional;

/**
 * Tollgate's own log, configured in code rather than by Logback's XML configurator (Joran), which loads about 500
 * classes and parses a file at every start (docs/performance.md, "Warm-up after a start"): one console appender on
 * stderr with the text pattern {@link #PATTERN}, the root logger at {@code TOLLGATE_LOG_LEVEL} (default
 * {@code INFO}), the connection pool, the migrations and Netty at {@code WARN}, and no Logback status lines.
 * {@link LogFormat} may switch the encoder to JSON later, from the configuration.
 *
 * <p>Found by Logback through {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}, in the tests as
 * in the jar. It stands aside (Logback's own XML configurator runs as before) when the system property
 * {@code logback.configurationFile} names a file of the operator's (docs/metrics.md, "Tollgate's own log").
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** The text format of every line (UTC timestamp, level, thread, logger, message). */
  public static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{24} - %msg%n";
  /** Loggers that are noisy at INFO: only their warnings and errors are written. */
  static final String[] QUIET = {"com.zaxxer.hikari", "org.flywaydb", "io.netty"};

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    install(context, System.getenv());
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Configures {@code context} as described above, the root level from {@code env}. */
  static void install(LoggerContext context, Map<String, String> env) {
    context.getStatusManager().add(new NopStatusListener());

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    for (String name : QUIET) {
      context.getLogger(name).setLevel(Level.WARN);
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel(env));
    root.addAppender(stderr);
  }

  /**
   * {@code TOLLGATE_LOG_LEVEL}, or {@code INFO} when it is unset or blank; a name Logback does not know is
   * {@code DEBUG}, as Logback's XML configuration made it.
   */
  static Level rootLevel(Map<String, String> env) {
    return Optional.ofNullable(env.get("TOLLGATE_LOG_LEVEL")).map(String::strip).filter(s -> !s.isEmpty())
        .map(Level::toLevel).orElse(Level.INFO);
  }
}
