package bench.peers.vertx;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.httpproxy.HttpProxy;

/**
 * The bare baseline of bench/proxy.sh: Vert.x's own reverse proxy with no policy at all (no key, no limit, no
 * metering, no header of its own), one server and one client per event loop, the native transport when it loads.
 * Prints one line naming its event loops and transport, then serves until killed.
 *
 * <p>Arguments: PORT ENGINE_HOST ENGINE_PORT [EVENT_LOOPS (2)].
 */
public final class BareProxy extends AbstractVerticle {

  private final int port;
  private final String engineHost;
  private final int enginePort;

  private BareProxy(int port, String engineHost, int enginePort) {
    this.port = port;
    this.engineHost = engineHost;
    this.enginePort = enginePort;
  }

  @Override
  public void start(Promise<Void> started) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(128));
    HttpProxy proxy = HttpProxy.reverseProxy(client).origin(enginePort, engineHost);
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(proxy)
        .listen()
        .<Void>mapEmpty()
        .onComplete(started);
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String engineHost = args[1];
    int enginePort = Integer.parseInt(args[2]);
    int loops = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(loops))
        .build();
    vertx.deployVerticle(() -> new BareProxy(port, engineHost, enginePort), new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.println("vertx-http-proxy listening on 127.0.0.1:" + port + " with " + loops
          + " event loops, transport " + (vertx.isNativeTransportEnabled() ? "epoll (native)" : "nio (JDK)")))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
