package io.tollgate.edge;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a refused connection without resetting it under a client that is still sending: a close asked for once the
 * connection has a framing error or ends with a refusal ({@link StrictHttp#refuseFurtherRequests}) first shuts the
 * output down (the answer, then FIN), then reads and drops what still arrives for up to {@value #LINGER_MS} ms before
 * the socket is closed (as nginx's {@code lingering_close}). Closing at once with unread bytes makes the kernel send a
 * reset, which can destroy the answer before the client reads it. Every other close is passed on as it is.
 */
final class LingeringCloseHandler extends ChannelDuplexHandler {
  static final String NAME = "tollgateLingeringClose";
  static final long LINGER_MS = 2000;
  private boolean lingering;

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
    if (lingering || !ctx.channel().isActive() || !(ctx.channel() instanceof DuplexChannel ch)
        || !StrictHttp.endsWithRefusal(ch)) {
      ctx.close(promise);
      return;
    }
    lingering = true;
    // written after every answer already queued, so the output is shut only once they are on the wire
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> ch.shutdownOutput()
        .addListener(shut -> {
          ch.config().setAutoRead(true);
          ch.read();
          ch.eventLoop().schedule(() -> ctx.close(promise), LINGER_MS, TimeUnit.MILLISECONDS);
        }));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (lingering) {
      ReferenceCountUtil.release(msg); // the client's rest, after the answer: dropped
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
