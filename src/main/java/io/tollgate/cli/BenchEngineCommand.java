package io.tollgate.cli;

import io.tollgate.demo.DemoEngine;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tollgate bench-engine}: only the bundled demo engine, on loopback, for {@code bench/} to put nginx and the
 * gate in front of. Hidden from the help: it is a measuring tool, not a product feature.
 */
@Command(name = "bench-engine", hidden = true, mixinStandardHelpOptions = true,
    description = "Run only the demo engine (for bench/).%nExample: tollgate bench-engine --port 9000")
final class BenchEngineCommand implements Callable<Integer> {
  @Option(names = "--port", description = "port on 127.0.0.1 (default ${DEFAULT-VALUE})")
  int port = 9000;

  @Option(names = "--event-loops", description = "event loops serving the port (default ${DEFAULT-VALUE})")
  int eventLoops = 1;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    // one instance per event loop; Vert.x shares the port between them
    vertx.deployVerticle(() -> new AbstractVerticle() {
      @Override
      public void start(Promise<Void> started) {
        DemoEngine.start(vertx, "127.0.0.1", port).<Void>mapEmpty().onComplete(started);
      }
    }, new DeploymentOptions().setInstances(eventLoops)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    System.out.println("bench-engine listening on 127.0.0.1:" + port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close();
      stopped.countDown();
    }, "bench-engine-shutdown"));
    stopped.await();
    return 0;
  }
}
