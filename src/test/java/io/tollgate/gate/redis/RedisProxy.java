package io.tollgate.gate.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a free loopback port in front of a {@link RedisServer}, for the faults a network gives a Redis
 * client: {@link Mode#PASS} relays, {@link Mode#CUT} closes a connection as soon as a command arrives on it (the
 * command never reaches Redis: a broken connection), {@link Mode#HOLD} keeps the commands that arrive and relays
 * them when set back to {@code PASS} (a call that times out at the client and still runs on Redis later). Threads
 * of its own; {@link #close()} stops them.
 */
public final class RedisProxy implements AutoCloseable {
  public enum Mode { PASS, CUT, HOLD }

  private final ServerSocket server;
  private final int redisPort;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicLong cuts = new java.util.concurrent.atomic.AtomicLong();
  private volatile Mode mode = Mode.PASS;

  private RedisProxy(int redisPort) throws IOException {
    this.redisPort = redisPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("redis-proxy-accept").start(this::accept);
  }

  public static RedisProxy to(RedisServer redis) throws IOException {
    return new RedisProxy(redis.port());
  }

  public String url() {
    return "redis://127.0.0.1:" + server.getLocalPort();
  }

  /** Connections closed by {@link Mode#CUT} so far. */
  public long cuts() {
    return cuts.get();
  }

  /** Sets the mode; back to {@code PASS} relays what was held, in order. */
  public void mode(Mode next) throws IOException {
    mode = next;
    if (next == Mode.PASS) {
      for (Link l : links) {
        l.release();
      }
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket redis = new Socket();
        redis.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), redisPort), 2000);
        Link link = new Link(client, redis);
        links.add(link);
        Thread.ofPlatform().daemon().name("redis-proxy-up").start(link::up);
        Thread.ofPlatform().daemon().name("redis-proxy-down").start(link::down);
      } catch (IOException e) {
        // closed, or Redis refused: the client sees its connection fail
      }
    }
  }

  /** One client connection and its connection to Redis. */
  private final class Link {
    private final Socket client;
    private final Socket redis;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();

    Link(Socket client, Socket redis) {
      this.client = client;
      this.redis = redis;
    }

    void up() {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = client.getInputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          forward(buf, n);
        }
      } catch (IOException e) {
        // the link is closed
      } finally {
        closeBoth();
      }
    }

    private synchronized void forward(byte[] buf, int n) throws IOException {
      switch (mode) {
        case CUT -> {
          cuts.incrementAndGet();
          closeBoth();
        }
        case HOLD -> held.write(buf, 0, n);
        case PASS -> {
          release();
          redis.getOutputStream().write(buf, 0, n);
        }
      }
    }

    synchronized void release() throws IOException {
      if (held.size() > 0 && !redis.isClosed()) {
        redis.getOutputStream().write(held.toByteArray());
        held.reset();
      }
    }

    void down() {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = redis.getInputStream(); OutputStream out = client.getOutputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // the link is closed
      } finally {
        closeBoth();
      }
    }

    private void closeBoth() {
      links.remove(this);
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        redis.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Link l : links) {
      l.closeBoth();
    }
  }
}
