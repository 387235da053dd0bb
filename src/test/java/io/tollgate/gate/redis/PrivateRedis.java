package io.tollgate.gate.redis;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RedisServer} and a Vert.x of a test class's own, for limiters to connect to:
 * {@code @RegisterExtension static final PrivateRedis redis = new PrivateRedis();}.
 */
public final class PrivateRedis implements BeforeAllCallback, AfterAllCallback {
  private Vertx vertx;
  private RedisServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    vertx = Vertx.vertx();
    server = RedisServer.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    server.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public Vertx vertx() {
    return vertx;
  }

  public RedisServer server() {
    return server;
  }

  public String url() {
    return server.url();
  }
}
