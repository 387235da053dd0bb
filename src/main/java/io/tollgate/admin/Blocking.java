package io.tollgate.admin;

import io.tollgate.registry.Outcome;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs store work off the event loop on the admin worker pool and answers on the event loop; an unexpected
 * failure answers 503 when the store is down and 500 otherwise. A failure that itself says the store cannot be
 * reached answers 503 at once; any other is checked with a health probe first.
 */
public final class Blocking {
  private static final Logger LOG = LoggerFactory.getLogger(Blocking.class);

  private final WorkerExecutor executor;
  private final BooleanSupplier storeHealthy;
  private final Predicate<RuntimeException> unreachable;

  /**
   * @param storeHealthy probes the store (blocking)
   * @param unreachable whether a failure says the store cannot be reached, without probing
   */
  Blocking(WorkerExecutor executor, BooleanSupplier storeHealthy, Predicate<RuntimeException> unreachable) {
    this.executor = executor;
    this.storeHealthy = storeHealthy;
    this.unreachable = unreachable;
  }

  /** Runs {@code work}; its result (a status and a JSON body, or a problem) is sent by {@code answer}. */
  public <T> void run(RoutingContext ctx, Callable<T> work, java.util.function.BiConsumer<RoutingContext, T> answer) {
    executor.<T>executeBlocking(() -> {
      try {
        return work.call();
      } catch (RuntimeException e) {
        throw unreachable.test(e) || !storeHealthy.getAsBoolean() ? new StoreDown(e) : e;
      }
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        answer.accept(ctx, ar.result());
      } else if (ar.cause() instanceof StoreDown down) {
        LOG.warn("admin request {} failed: store unavailable: {}", RequestIds.of(ctx), down.getCause().toString());
        Problem.storeUnavailable().send(ctx);
      } else {
        LOG.error("admin request {} {} failed", ctx.request().method(), ctx.request().path(), ar.cause());
        Problem.internal().send(ctx);
      }
    });
  }

  /** Runs an admin change and answers {@code status} with {@code render(value)}, or the refusal as a problem. */
  public <T> void change(RoutingContext ctx, Callable<Outcome<T>> work, int status,
      Function<T, com.fasterxml.jackson.databind.JsonNode> render) {
    run(ctx, work, (c, outcome) -> {
      switch (outcome) {
        case Outcome.Done<T> done -> AdminJson.send(c, status, render.apply(done.value()));
        case Outcome.Refused<T> refused -> Problem.of(refused.failure(), refused.detail()).send(c);
      }
    });
  }

  private static final class StoreDown extends RuntimeException {
    StoreDown(Throwable cause) {
      super(cause);
    }
  }
}
