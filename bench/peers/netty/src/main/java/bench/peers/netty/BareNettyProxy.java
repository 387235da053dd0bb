package bench.peers.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A bench-only prototype, not Tollgate: the cheapest HTTP/1.1 reverse proxy this bench can put on Netty's own
 * pipeline, to measure what the stack under Tollgate costs by itself. No policy at all: no key, no limit, no
 * metering, no header of its own. Per client connection: {@link HttpServerCodec} and a {@link Frontend}; per event
 * loop: a pool of keep-alive upstream channels on that same loop ({@link HttpClientCodec} and a {@link Backend}),
 * taken for one request and its answer and given back at the answer's end. The decoded messages (head, then body
 * pieces) are passed from one codec to the other as they are, so a body's buffers are never copied; hop-by-hop
 * headers are removed from both heads, as any proxy must. Back-pressure both ways through channel writability. Not
 * handled (a bench has no need): TLS, {@code Expect: 100-continue}, upgrades, timeouts, a bound on the pool.
 *
 * <p>Prints one line naming its event loops and transport, then serves until killed. Arguments: PORT ENGINE_HOST
 * ENGINE_PORT [EVENT_LOOPS (2)].
 */
public final class BareNettyProxy {
  private static final AsciiString[] HOP_BY_HOP = {HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
      HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
      HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE};

  private BareNettyProxy() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    InetSocketAddress engine = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
    int loops = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops,
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Bootstrap upstream = new Bootstrap().channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true).remoteAddress(engine)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new Backend());
          }
        });
    new ServerBootstrap().group(group).channel(serverType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new Frontend(Pool.of(ch.eventLoop(), upstream)));
          }
        })
        .bind("127.0.0.1", port).sync();
    System.out.println("netty proxy listening on 127.0.0.1:" + port + " with " + loops + " event loops, transport "
        + (epoll ? "epoll (native)" : "nio (JDK)"));
  }

  static void stripHopByHop(HttpHeaders headers) {
    String connection = headers.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      for (String named : connection.split(",")) {
        String name = named.trim();
        if (!name.isEmpty()) {
          headers.remove(name);
        }
      }
    }
    for (AsciiString name : HOP_BY_HOP) {
      headers.remove(name);
    }
  }

  /** The idle keep-alive upstream channels of one event loop; used only on that loop, so it needs no lock. */
  static final class Pool {
    private static final FastThreadLocal<Pool> OF_LOOP = new FastThreadLocal<>();
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final Bootstrap bootstrap;

    private Pool(Bootstrap bootstrap) {
      this.bootstrap = bootstrap;
    }

    /** The pool of {@code loop}; called on that loop. */
    static Pool of(EventLoop loop, Bootstrap upstream) {
      Pool p = OF_LOOP.get();
      if (p == null) {
        p = new Pool(upstream.clone(loop));
        OF_LOOP.set(p);
      }
      return p;
    }

    /** An idle open channel (one the engine closed is dropped here), or a new one being connected. */
    void acquire(Frontend f) {
      Channel ch;
      while ((ch = idle.pollFirst()) != null) {
        if (ch.isActive()) {
          f.attached(ch);
          return;
        }
      }
      bootstrap.connect().addListener((ChannelFutureListener) cf -> {
        if (cf.isSuccess()) {
          f.attached(cf.channel());
        } else {
          f.upstreamFailed();
        }
      });
    }

    void release(Channel ch, boolean reusable) {
      ch.config().setAutoRead(true);
      if (reusable && ch.isActive()) {
        idle.addFirst(ch);
      } else {
        ch.close();
      }
    }
  }

  /**
   * One client connection. A request's messages go up as they arrive once its upstream channel is attached;
   * until then (connecting), and for a pipelined next request until the current answer ended, they wait in order.
   */
  static final class Frontend extends ChannelInboundHandlerAdapter {
    private final Pool pool;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private Channel client;
    /** The upstream channel of the request in exchange, once attached. */
    private Channel upstream;
    /** A request is in exchange (from its head to the end of its answer). */
    private boolean exchanging;
    /** The request in exchange was sent up to its end. */
    private boolean requestEnded;
    private boolean keepAlive;

    Frontend(Pool pool) {
      this.pool = pool;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      client = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (exchanging && (upstream == null || requestEnded)) {
        waiting.addLast(msg);
      } else {
        dispatch(msg);
      }
    }

    private void dispatch(Object msg) {
      if (msg instanceof HttpRequest req) {
        exchanging = true;
        requestEnded = false;
        keepAlive = HttpUtil.isKeepAlive(req);
        stripHopByHop(req.headers());
        waiting.addFirst(msg);
        pool.acquire(this);
      } else if (exchanging && upstream != null && !requestEnded) {
        requestEnded = msg instanceof LastHttpContent;
        upstream.write(msg);
      } else {
        ReferenceCountUtil.release(msg); // a body piece with no request: the codec does not produce one
      }
    }

    /** The request's upstream channel is ready: what waited of this request goes up. */
    void attached(Channel ch) {
      if (!client.isActive()) {
        pool.release(ch, true);
        return;
      }
      upstream = ch;
      ch.pipeline().get(Backend.class).current = this;
      ch.config().setAutoRead(client.isWritable());
      while (!requestEnded && !waiting.isEmpty()) {
        Object msg = waiting.pollFirst();
        requestEnded = msg instanceof LastHttpContent;
        ch.write(msg);
      }
      ch.flush();
      client.config().setAutoRead(ch.isWritable());
    }

    void upstreamFailed() {
      releaseWaiting();
      client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY))
          .addListener(ChannelFutureListener.CLOSE);
    }

    /** The answer's last piece was written: the upstream channel goes back, the next request (if any) starts. */
    void answerEnded(boolean upstreamReusable) {
      Channel ch = upstream;
      ch.pipeline().get(Backend.class).current = null;
      upstream = null;
      exchanging = false;
      pool.release(ch, upstreamReusable && requestEnded);
      client.config().setAutoRead(true);
      if (!keepAlive) {
        releaseWaiting();
        return;
      }
      List<Object> next = new ArrayList<>(waiting);
      waiting.clear();
      for (Object msg : next) {
        channelRead(null, msg);
      }
      if (upstream != null) {
        upstream.flush();
      }
    }

    boolean keepAlive() {
      return keepAlive;
    }

    Channel client() {
      return client;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (upstream != null) {
        upstream.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (upstream != null) {
        upstream.config().setAutoRead(client.isWritable());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      releaseWaiting();
      if (upstream != null) {
        upstream.pipeline().get(Backend.class).current = null;
        upstream.close(); // mid-exchange: not reusable
        upstream = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private void releaseWaiting() {
      Object msg;
      while ((msg = waiting.pollFirst()) != null) {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  /** One upstream channel: its answer's messages go to the client of the request it was taken for. */
  static final class Backend extends ChannelInboundHandlerAdapter {
    Frontend current;
    private boolean reusable;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Frontend f = current;
      if (f == null) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpResponse resp) {
        reusable = HttpUtil.isKeepAlive(resp);
        stripHopByHop(resp.headers());
        if (!f.keepAlive()) {
          resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
      }
      if (msg instanceof LastHttpContent) {
        var done = f.client().writeAndFlush(msg);
        if (!f.keepAlive()) {
          done.addListener(ChannelFutureListener.CLOSE);
        }
        f.answerEnded(reusable);
      } else {
        f.client().write(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      Frontend f = current;
      if (f != null) {
        f.client().flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Frontend f = current;
      if (f != null) {
        f.client().config().setAutoRead(ctx.channel().isWritable());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Frontend f = current;
      if (f != null) {
        current = null;
        f.client().close(); // the engine left mid-exchange: the client's answer cannot be completed
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      current = null;
    }
  }
}
