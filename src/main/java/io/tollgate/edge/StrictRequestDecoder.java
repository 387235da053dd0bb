package io.tollgate.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP/1 request decoder with the cases Netty would otherwise smooth over marked on the connection:
 * a {@code Content-Length} next to {@code Transfer-Encoding} (Netty drops the length and reads chunks, the request
 * smuggling setup), a {@code Transfer-Encoding} other than one {@code chunked} (Netty reads chunks when any field
 * names it), obsolete line folding (Netty joins the lines) and an HTTP version other than 1.0 and 1.1 (Vert.x would
 * answer 501), a request line or header block too long or otherwise unreadable (Vert.x would answer with an empty
 * body), and an invalid chunk (Vert.x would close the connection without an answer). The listener answers each with
 * a problem body and closes the connection, so nothing pipelined behind it is processed. The decoder also closes a
 * connection whose request headers take longer than the header timeout (slowloris).
 *
 * <p>This replaces the {@code httpDecoder} handler of each new connection's Netty pipeline: a dependency on Vert.x
 * internals, pinned by the edge tests.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private static final AttributeKey<FramingError> ERROR = AttributeKey.valueOf("tollgate.framingError");

  private final Channel channel;
  private final long headerTimeoutNanos;
  private boolean atMessageStart = true;
  private ScheduledFuture<?> headerDeadline;

  private StrictRequestDecoder(HttpServerOptions options, Channel channel, Duration headerTimeout) {
    super(options);
    this.channel = channel;
    this.headerTimeoutNanos = headerTimeout.toNanos();
  }

  /** Call on the channel's event loop; a zero {@code headerTimeout} means none. */
  static boolean install(Channel ch, HttpServerOptions options, Duration headerTimeout) {
    if (ch.pipeline().get("httpDecoder") == null) {
      return false;
    }
    StrictRequestDecoder decoder = new StrictRequestDecoder(options, ch, headerTimeout);
    ch.pipeline().replace("httpDecoder", "httpDecoder", decoder);
    decoder.armHeaderDeadline();
    return true;
  }

  /**
   * Starts the time the next request's headers have: at the connection's start, then at the first byte of each
   * later request. Vert.x's idle timeout cannot do this: it sits behind the decoder and sees only whole messages,
   * so a client trickling a header line now and then would hold the connection until the idle timeout.
   */
  private void armHeaderDeadline() {
    if (headerTimeoutNanos > 0 && headerDeadline == null) {
      headerDeadline = channel.eventLoop().schedule(() -> channel.close(), headerTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void headersComplete() {
    if (headerDeadline != null) {
      headerDeadline.cancel(false);
      headerDeadline = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    headersComplete();
    super.channelInactive(ctx);
  }

  static Optional<FramingError> errorOf(Channel ch) {
    return Optional.ofNullable(ch.attr(ERROR).get());
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (atMessageStart && in.isReadable()) {
      armHeaderDeadline();
    }
    if (atMessageStart && hasFoldedHeaderLine(in)) {
      channel.attr(ERROR).setIfAbsent(FramingError.OBSOLETE_LINE_FOLDING);
    }
    int before = out.size();
    super.decode(ctx, in, out);
    for (int i = before; i < out.size(); i++) {
      Object o = out.get(i);
      if (o instanceof HttpMessage) {
        headersComplete();
      }
      if (o instanceof HttpMessage m && m.decoderResult().isFailure()) {
        // answered by the listener with a problem body, instead of Vert.x's empty 400/414/431
        channel.attr(ERROR).setIfAbsent(failureOf(m.decoderResult().cause()));
        DefaultHttpRequest stand = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        stand.headers().set("Host", "refused.invalid");
        out.set(i, stand);
        out.add(i + 1, LastHttpContent.EMPTY_LAST_CONTENT);
        atMessageStart = false;
        return;
      }
      if (o instanceof HttpMessage m) {
        atMessageStart = false;
        if (!isChunkedOnly(m.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING))) {
          channel.attr(ERROR).setIfAbsent(FramingError.UNSUPPORTED_TRANSFER_CODING);
        }
      } else if (o instanceof HttpContent c && c.decoderResult().isFailure()) {
        // Vert.x would fail the connection at once, closing it before any answer is flushed; instead the body ends
        // here, the error is marked, and the listener answers 400 at the end of the body (nothing more is decoded)
        channel.attr(ERROR).setIfAbsent(FramingError.MALFORMED_BODY);
        c.release();
        out.set(i, LastHttpContent.EMPTY_LAST_CONTENT);
        return;
      }
      if (o instanceof LastHttpContent) {
        atMessageStart = true;
      }
    }
  }

  /** No Transfer-Encoding, or exactly one field naming only {@code chunked}. */
  private static boolean isChunkedOnly(List<String> codings) {
    return codings.isEmpty() || codings.size() == 1 && codings.get(0).trim().equalsIgnoreCase("chunked");
  }

  private static FramingError failureOf(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return FramingError.REQUEST_LINE_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return FramingError.HEADERS_TOO_LARGE;
    }
    return FramingError.MALFORMED;
  }

  /** Whether the header block at the start of {@code in} has a line starting with a space or tab (obs-fold). */
  private static boolean hasFoldedHeaderLine(ByteBuf in) {
    int end = in.writerIndex();
    for (int i = in.readerIndex(); i + 2 < end; i++) {
      if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n') {
        byte next = in.getByte(i + 2);
        if (next == '\r') {
          return false;
        }
        if (next == ' ' || next == '\t') {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    channel.attr(ERROR).setIfAbsent(FramingError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING);
    super.handleTransferEncodingChunkedWithContentLength(message);
  }

  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    if (initialLine.length == 3 && !initialLine[2].equals("HTTP/1.1") && !initialLine[2].equals("HTTP/1.0")) {
      channel.attr(ERROR).setIfAbsent(FramingError.UNSUPPORTED_VERSION);
      initialLine[2] = "HTTP/1.1";
    }
    return super.createMessage(initialLine);
  }
}
