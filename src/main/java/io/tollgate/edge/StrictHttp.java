package io.tollgate.edge;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.Optional;

/**
 * Strict HTTP/1 parsing for both listeners. {@link #install} swaps Vert.x's request decoder on a new connection
 * for one that records framing problems (see {@link FramingError}) instead of smoothing them over or answering
 * with an empty body; the listener then answers them with a problem body and closes the connection.
 */
public final class StrictHttp {
  private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("tollgate.closing");

  private StrictHttp() {}

  /** Call from the server's connection handler; false when the pipeline is not the one expected. */
  public static boolean install(HttpConnection connection, HttpServerOptions options) {
    return install(connection, options, Duration.ZERO);
  }

  /**
   * Like {@link #install(HttpConnection, HttpServerOptions)}, and closes the connection when a request's headers
   * are not complete within {@code headerTimeout}, measured from the connection's start for its first request and
   * from the first byte of each later one (slowloris); {@link Duration#ZERO} for no limit.
   */
  public static boolean install(HttpConnection connection, HttpServerOptions options, Duration headerTimeout) {
    return connection instanceof ConnectionBase base
        && StrictRequestDecoder.install(base.channel(), options, headerTimeout);
  }

  /** The framing problem found on this request's connection, if any. */
  public static Optional<FramingError> framingError(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? StrictRequestDecoder.errorOf(base.channel())
        : Optional.empty();
  }

  /**
   * Marks the connection as ending with the answer being sent, so that a request pipelined behind it can be told
   * apart and dropped: Vert.x hands such a request to the listener as soon as that answer ends, before the
   * connection closes. Call before ending the answer.
   */
  public static void refuseFurtherRequests(HttpConnection connection) {
    channel(connection).ifPresent(ch -> ch.attr(CLOSING).set(Boolean.TRUE));
  }

  /** Whether {@link #refuseFurtherRequests} was called for this connection. */
  public static boolean refusesFurtherRequests(HttpConnection connection) {
    return channel(connection).map(ch -> ch.attr(CLOSING).get() != null).orElse(false);
  }

  /** Whether the connection has a framing error or ends with an answer that refuses further requests. */
  static boolean endsWithRefusal(Channel ch) {
    return ch.attr(CLOSING).get() != null || StrictRequestDecoder.errorOf(ch).isPresent();
  }

  private static Optional<Channel> channel(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? Optional.of(base.channel()) : Optional.empty();
  }
}
