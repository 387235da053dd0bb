package io.tollgate.telemetry;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.tollgate.config.TollgateConfig;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Switches Tollgate's own log (stderr, see {@link LogSetup}) to one JSON object per line when
 * {@code logging.format: json}: Logback's {@link JsonEncoder}, with the level, logger, thread, message and any
 * exception as fields (the message formatted).
 */
public final class LogFormat {
  private LogFormat() {}

  /** Applies {@code logging}; the text format needs nothing. */
  public static void apply(TollgateConfig.Logging logging) {
    if (!logging.json() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    var root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out && !(out.getEncoder() instanceof JsonEncoder)) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(ctx);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithArguments(false);
        json.setWithMessage(false);
        json.setWithFormattedMessage(true);
        json.start();
        out.stop();
        out.setEncoder(json);
        out.start();
      }
    }
  }
}
