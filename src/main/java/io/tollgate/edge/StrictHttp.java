package io.tollgate.edge;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Optional;

/**
 * Strict HTTP/1 parsing for both listeners. {@link #install} swaps Vert.x's request decoder on a new connection
 * for one that records framing problems (see {@link FramingError}) instead of smoothing them over or answering
 * with an empty body; the listener then answers them with a problem body and closes the connection.
 */
public final class StrictHttp {
  private StrictHttp() {}

  /** Call from the server's connection handler; false when the pipeline is not the one expected. */
  public static boolean install(HttpConnection connection, HttpServerOptions options) {
    return connection instanceof ConnectionBase base && StrictRequestDecoder.install(base.channel(), options);
  }

  /** The framing problem found on this request's connection, if any. */
  public static Optional<FramingError> framingError(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? StrictRequestDecoder.errorOf(base.channel())
        : Optional.empty();
  }
}
