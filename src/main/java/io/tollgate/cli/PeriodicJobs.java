package io.tollgate.cli;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

/**
 * The process's periodic background jobs ({@code last_used_at}, the store check, the retention purge): each timer
 * runs its blocking work on a Vert.x worker and hands the outcome to a handler on the event loop. {@link #stop}
 * cancels them all before Vert.x closes: a timer that fired while Vert.x was closing would otherwise hand its work to
 * a worker pool already shut down, and Vert.x would log the {@link RejectedExecutionException} as an unhandled
 * ERROR. A job already running finishes. Thread-safe.
 */
final class PeriodicJobs {
  private final Vertx vertx;
  private final List<Long> timers = new CopyOnWriteArrayList<>();
  /** Guards {@link #running}. */
  private final Object runs = new Object();
  /** Runs handed to a worker whose outcome is not back on the event loop yet. */
  private int running;
  private volatile boolean stopped;

  PeriodicJobs(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Runs {@code work} off the event loop every {@code intervalMillis}, the first time after {@code initialDelayMillis}
   * (0: at once), and gives {@code done} its outcome; nothing once {@link #stop} was called, not even a failure.
   */
  <T> void every(long initialDelayMillis, long intervalMillis, Callable<T> work, Handler<AsyncResult<T>> done) {
    long first = initialDelayMillis;
    if (first == 0) {
      run(work, done);
      first = intervalMillis;
    }
    timers.add(vertx.setPeriodic(first, intervalMillis, id -> run(work, done)));
  }

  private <T> void run(Callable<T> work, Handler<AsyncResult<T>> done) {
    if (stopped) {
      return;
    }
    synchronized (runs) {
      running++;
    }
    try {
      vertx.executeBlocking(work, false).onComplete(ar -> {
        finished(); // its outcome is back on the event loop: nothing of it is left for a closing Vert.x
        if (!(stopped && ar.failed())) { // a run cut short by the stop (rejected, interrupted) is not a failure
          done.handle(ar);
        }
      });
    } catch (RejectedExecutionException closing) {
      finished();
      // Vert.x is closing its workers: the job's last run is done by the caller of stop (see Server.close)
    }
  }

  private void finished() {
    synchronized (runs) {
      running--;
      runs.notifyAll();
    }
  }

  /**
   * Waits, at most {@code timeout}, until every run handed to a worker has its outcome back on the event loop: call
   * after {@link #stop} and before Vert.x and the store close, so that a run that was waiting on the store (a write
   * behind another transaction) ends against an open store and an open event loop. A run that ended after Vert.x had
   * closed used to fail its result into an event loop that was gone, and the worker thread threw that rejection
   * uncaught.
   *
   * @return whether none is still going
   */
  boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (runs) {
      while (running > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(runs, left);
      }
    }
    return true;
  }

  /** Cancels every timer; idempotent. Call before closing Vert.x. */
  void stop() {
    stopped = true;
    timers.forEach(vertx::cancelTimer);
  }
}
