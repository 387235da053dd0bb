package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** engine_timeout kept with one timer per event loop: each waiting exchange still times out at its own deadline. */
final class EngineDeadlinesTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void exchangeStartedAfterTheTimerWasArmed_timesOutAtItsOwnDeadline_andAnAnsweredOneNever() throws Exception {
    EngineDeadlines deadlines = new EngineDeadlines(vertx, TIMEOUT);
    List<String> timedOut = new CopyOnWriteArrayList<>();
    CompletableFuture<Long> waited = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      // answered at once: the loop's timer stays armed for its deadline, and must then wait for the next one's
      deadlines.start(() -> timedOut.add("answered")).done();
      vertx.setTimer(150, t -> {
        long started = System.nanoTime();
        deadlines.start(() -> {
          timedOut.add("slow");
          waited.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        });
      });
    });
    long ms = waited.get(10, TimeUnit.SECONDS);
    assertThat(ms).isGreaterThanOrEqualTo(TIMEOUT.toMillis()).isLessThan(TIMEOUT.toMillis() + 1000);
    assertThat(timedOut).containsExactly("slow");
  }

  @Test
  void waitingExchanges_timeOutInTheOrderTheyStarted_exceptTheOnesAnswered() throws Exception {
    EngineDeadlines deadlines = new EngineDeadlines(vertx, TIMEOUT);
    List<String> timedOut = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> last = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      deadlines.start(() -> timedOut.add("first"));
      EngineDeadlines.Waiting second = deadlines.start(() -> timedOut.add("second"));
      deadlines.start(() -> timedOut.add("third"));
      EngineDeadlines.Waiting fourth = deadlines.start(() -> timedOut.add("fourth"));
      deadlines.start(() -> {
        timedOut.add("fifth");
        last.complete(null);
      });
      second.done();
      fourth.done();
      fourth.done(); // twice changes nothing
    });
    last.get(10, TimeUnit.SECONDS);
    assertThat(timedOut).containsExactly("first", "third", "fifth");
  }

  @Test
  void watchCountedFromEarlierData_firesAtItsOwnDeadline_beforeAnArmedLaterOne_andInDeadlineOrder() throws Exception {
    Duration timeout = Duration.ofSeconds(1);
    EngineDeadlines deadlines = new EngineDeadlines(vertx, timeout);
    List<String> timedOut = new CopyOnWriteArrayList<>();
    CompletableFuture<Long> early = new CompletableFuture<>();
    CompletableFuture<Void> all = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      long now = System.nanoTime();
      deadlines.start(() -> timedOut.add("now")); // the timer is armed for 1 s from now
      // a body whose last data came 900 ms ago: due 100 ms from now, long before the one armed for
      deadlines.startFrom(now - TimeUnit.MILLISECONDS.toNanos(900), () -> {
        timedOut.add("from-900ms-ago");
        early.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - now));
      });
      deadlines.startFrom(now - TimeUnit.MILLISECONDS.toNanos(500), () -> timedOut.add("from-500ms-ago"));
      deadlines.start(() -> {
        timedOut.add("last");
        all.complete(null);
      });
    });
    long ms = early.get(10, TimeUnit.SECONDS);
    assertThat(ms).isGreaterThanOrEqualTo(100).isLessThan(700); // not at the 1 s the timer was armed for first
    all.get(10, TimeUnit.SECONDS);
    assertThat(timedOut).containsExactly("from-900ms-ago", "from-500ms-ago", "now", "last");
  }

  @Test
  void exchangeWhoseTimeoutThrows_doesNotKeepTheOthersOnItsLoopFromTimingOut() throws Exception {
    EngineDeadlines deadlines = new EngineDeadlines(vertx, TIMEOUT);
    CompletableFuture<Long> waited = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      deadlines.start(() -> {
        throw new IllegalStateException("a timeout handler failing");
      });
      vertx.setTimer(150, t -> {
        long started = System.nanoTime();
        // no exchange starts on this loop after this one: only the loop's timer can time it out
        deadlines.start(() -> waited.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
      });
    });
    long ms = waited.get(10, TimeUnit.SECONDS);
    assertThat(ms).isGreaterThanOrEqualTo(TIMEOUT.toMillis()).isLessThan(TIMEOUT.toMillis() + 1000);
  }
}
