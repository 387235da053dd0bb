package io.tollgate.edge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;

/**
 * Sits behind Vert.x's idle handler and swallows its events while the connection is held, so that the idle timeout
 * closes idle keep-alive connections but not one whose request is waiting on a slower deadline of its own. Netty's
 * idle handler keeps checking, so the timeout runs again from the connection's last activity once released.
 */
final class IdleHold extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<Boolean> HELD = AttributeKey.valueOf("tollgate.idleHeld");

  private IdleHold() {}

  /** Adds the handler behind the idle handler, when the connection has one. Call on the channel's event loop. */
  static void install(Channel ch) {
    var idle = ch.pipeline().context(IdleStateHandler.class);
    if (idle != null) {
      ch.pipeline().addAfter(idle.name(), "tollgateIdleHold", new IdleHold());
    }
  }

  static void hold(Channel ch, boolean held) {
    ch.attr(HELD).set(held ? Boolean.TRUE : null);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent && ctx.channel().attr(HELD).get() != null) {
      return;
    }
    super.userEventTriggered(ctx, evt);
  }
}
