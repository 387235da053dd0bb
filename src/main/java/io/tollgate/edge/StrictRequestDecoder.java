package io.tollgate.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
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
  /** Whether the lines of the current request head consumed so far began with text, and ended at a line's end. */
  private boolean headStarted;
  private boolean headAtLineStart;
  /** The connection's one header timer, while armed. */
  private ScheduledFuture<?> headerDeadline;
  /** A request head is being read (or awaited, at the connection's start) since {@link #headStartNanos}. */
  private boolean headPending;
  private long headStartNanos;
  private final int maxTrailerBytes;
  /** The body being read is chunked: its framing is checked ahead of Netty. */
  private ChunkedBodyScanner chunked;
  /** Bytes from the buffer's reader index on that the chunked scanner has already checked. */
  private int scanned;
  /** A request was refused: every later byte of the connection is dropped unread. */
  private boolean discarding;

  private StrictRequestDecoder(HttpServerOptions options, Channel channel, Duration headerTimeout) {
    super(options);
    this.channel = channel;
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.maxTrailerBytes = options.getMaxHeaderSize();
  }

  /** Call on the channel's event loop; a zero {@code headerTimeout} means none. */
  static boolean install(Channel ch, HttpServerOptions options, Duration headerTimeout) {
    if (ch.pipeline().get("httpDecoder") == null) {
      return false;
    }
    StrictRequestDecoder decoder = new StrictRequestDecoder(options, ch, headerTimeout);
    ch.pipeline().replace("httpDecoder", "httpDecoder", decoder);
    ch.pipeline().addFirst(LingeringCloseHandler.NAME, new LingeringCloseHandler());
    decoder.armHeaderDeadline();
    return true;
  }

  /**
   * Starts the time the next request's headers have: at the connection's start, then at the first byte of each
   * later request. Vert.x's idle timeout cannot do this: it sits behind the decoder and sees only whole messages,
   * so a client trickling a header line now and then would hold the connection until the idle timeout.
   *
   * <p>A request costs no timer: the connection has at most one armed, which, when it fires, closes the connection
   * if the head it waits for is still not complete after the whole timeout, waits out the rest if a later head
   * started since, or lets the next head arm it again if none is being read (a timer scheduled and cancelled per
   * request was about 1 % of the proxied path's CPU samples).
   */
  private void armHeaderDeadline() {
    if (headerTimeoutNanos > 0 && !headPending) {
      headPending = true;
      headStartNanos = System.nanoTime();
      if (headerDeadline == null) {
        scheduleHeaderCheck(headerTimeoutNanos);
      }
    }
  }

  private void scheduleHeaderCheck(long delayNanos) {
    headerDeadline = channel.eventLoop().schedule(this::checkHeaderDeadline, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void checkHeaderDeadline() {
    headerDeadline = null;
    if (!headPending || !channel.isActive()) {
      return; // no head being read: the next one arms the timer again
    }
    long left = headerTimeoutNanos - (System.nanoTime() - headStartNanos);
    if (left > 0) {
      scheduleHeaderCheck(left);
    } else {
      channel.close();
    }
  }

  private void headersComplete() {
    headPending = false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    headPending = false;
    if (headerDeadline != null) {
      headerDeadline.cancel(false);
      headerDeadline = null;
    }
    super.channelInactive(ctx);
  }

  static Optional<FramingError> errorOf(Channel ch) {
    return Optional.ofNullable(ch.attr(ERROR).get());
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (discarding) {
      in.skipBytes(in.readableBytes()); // a refused request: nothing behind it is read, buffered or forwarded
      return;
    }
    if (atMessageStart && in.isReadable()) {
      armHeaderDeadline();
    }
    if (atMessageStart && hasFoldedHeaderLine(in, headAtLineStart, headStarted)) {
      channel.attr(ERROR).setIfAbsent(FramingError.OBSOLETE_LINE_FOLDING);
    }
    if (chunked != null && scanChunked(in, out)) {
      return;
    }
    int before = out.size();
    int consumedFrom = in.readerIndex();
    super.decode(ctx, in, out);
    scanned = Math.max(0, scanned - (in.readerIndex() - consumedFrom));
    if (out.size() == before && atMessageStart) {
      rememberHeadLines(in, consumedFrom);
    } else {
      headStarted = false;
      headAtLineStart = false;
    }
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
        RequestHead.problem(m).ifPresent(e -> channel.attr(ERROR).setIfAbsent(e));
        if (channel.attr(ERROR).get() != null) {
          endRefusedMessage(in, out, i);
          return;
        }
        if (HttpUtil.isTransferEncodingChunked(m)) {
          chunked = new ChunkedBodyScanner(maxTrailerBytes);
          scanned = 0;
        }
      } else if (o instanceof HttpContent c && c.decoderResult().isFailure()) {
        // Vert.x would fail the connection at once, closing it before any answer is flushed; instead the body ends
        // here, the error is marked, and the listener answers 400 at the end of the body (nothing more is decoded)
        channel.attr(ERROR).setIfAbsent(FramingError.MALFORMED_BODY);
        c.release();
        out.set(i, LastHttpContent.EMPTY_LAST_CONTENT);
        discard(in, out, i + 1);
        return;
      }
      if (o instanceof LastHttpContent) {
        atMessageStart = true;
        chunked = null;
        scanned = 0;
      }
    }
  }

  /**
   * Scans the chunked body's bytes not scanned yet, before Netty reads them; on a framing error ends the body at
   * once (the listener answers 400 at its end) and reads nothing more. True when the decode is over.
   */
  private boolean scanChunked(ByteBuf in, List<Object> out) {
    int from = in.readerIndex() + scanned;
    if (from >= in.writerIndex()) {
      return false;
    }
    ChunkedBodyScanner.Outcome outcome = chunked.scan(in, from, in.writerIndex());
    scanned = chunked.stoppedAt() - in.readerIndex();
    if (outcome != ChunkedBodyScanner.Outcome.ERROR) {
      return false;
    }
    channel.attr(ERROR).setIfAbsent(FramingError.MALFORMED_BODY);
    out.add(LastHttpContent.EMPTY_LAST_CONTENT);
    discard(in, out, out.size());
    return true;
  }

  /** Ends the refused message at {@code index} with an empty body and reads nothing more of the connection. */
  private void endRefusedMessage(ByteBuf in, List<Object> out, int index) {
    out.add(index + 1, LastHttpContent.EMPTY_LAST_CONTENT);
    discard(in, out, index + 2);
  }

  /** Drops what was decoded from {@code from} on and every byte still to come on this connection. */
  private void discard(ByteBuf in, List<Object> out, int from) {
    while (out.size() > from) {
      io.netty.util.ReferenceCountUtil.release(out.remove(out.size() - 1));
    }
    discarding = true;
    chunked = null;
    in.skipBytes(in.readableBytes());
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

  /**
   * Whether the request head at the start of {@code in} has a line starting with a space or tab (obs-fold), given
   * whether the head's lines already consumed began with text ({@code started}, leading blank lines do not count)
   * and ended at a line's end ({@code atLineStart}): a fold can arrive in a later read than the line it continues.
   */
  static boolean hasFoldedHeaderLine(ByteBuf in, boolean atLineStart, boolean started) {
    boolean lineStart = atLineStart;
    boolean text = started;
    int end = in.writerIndex();
    for (int i = in.readerIndex(); i < end; ) {
      byte b = in.getByte(i);
      if (lineStart && text) {
        if (b == ' ' || b == '\t') {
          return true;
        }
        if (b == '\r' || b == '\n') {
          return false; // the empty line that ends the head
        }
      }
      text |= b > ' ';
      lineStart = b == '\n';
      if (text && !lineStart) {
        // the rest of a line of text does not matter: on to its end, found a word at a time instead of a byte
        i = in.indexOf(i + 1, end, (byte) '\n');
        if (i < 0) {
          return false;
        }
      } else {
        i++;
      }
    }
    return false;
  }

  /** Netty consumes a head line by line; notes where the consumed lines left off, for the next read. */
  private void rememberHeadLines(ByteBuf in, int consumedFrom) {
    for (int i = consumedFrom; i < in.readerIndex(); i++) {
      byte b = in.getByte(i);
      headStarted |= b > ' ';
      headAtLineStart = b == '\n';
    }
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    channel.attr(ERROR).setIfAbsent(FramingError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING);
    super.handleTransferEncodingChunkedWithContentLength(message);
  }

  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    if (initialLine.length == 3 && hasWhitespaceOrControl(initialLine[2])) {
      // Netty splits the line at any whitespace: a space or control character inside the target left its rest
      // in front of the version
      channel.attr(ERROR).setIfAbsent(FramingError.INVALID_TARGET);
      initialLine[2] = "HTTP/1.1";
    }
    if (initialLine.length == 3 && !initialLine[2].equals("HTTP/1.1") && !initialLine[2].equals("HTTP/1.0")) {
      channel.attr(ERROR).setIfAbsent(FramingError.UNSUPPORTED_VERSION);
      initialLine[2] = "HTTP/1.1";
    }
    return super.createMessage(initialLine);
  }

  // a loop, not chars().anyMatch: the stream pipeline was 2 % of a proxied request's CPU samples
  private static boolean hasWhitespaceOrControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) <= ' ') {
        return true;
      }
    }
    return false;
  }
}
