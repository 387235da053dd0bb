package bench.openloop;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** One run of {@link OpenLoop}: every field is touched only on the generator's one event loop. */
final class PacedRun {

  /** What a run sends: RATE requests a second of GET URL for SECONDS over CONNECTIONS; KEY empty for none. */
  record Plan(double rate, int connections, String url, String key, double seconds) {

    long requests() {
      return Math.round(rate * seconds);
    }
  }

  /** What a run saw; latencies in microseconds from each request's intended send time. */
  record Result(Plan plan, Histogram latency, long answered, long non2xx, long failed, long unfinished,
      double seconds, long lateMicros) {

    /**
     * One line that bench/lib.sh reads, in the order of bench/wrk-auth.lua's line (rps, p50, p99, answers >= 400,
     * answers, errors) and then p99.9, max, the offered rate and how late the generator ever was to send.
     */
    String line() {
      return String.format(Locale.ROOT, "BENCH rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d requests=%d"
          + " socket_errors=%d p999_ms=%.3f max_ms=%.3f offered=%.1f late_ms=%.3f", answered / seconds, ms(50),
          ms(99), non2xx, answered, failed + unfinished, ms(99.9), latency.getMaxValue() / 1000.0, plan.rate(),
          lateMicros / 1000.0);
    }

    private double ms(double percentile) {
      return latency.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  /** How long after the last send a run waits for the answers still out before it counts them as unfinished. */
  private static final long DRAIN_MS = 10_000;
  private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

  /**
   * OPEN_SLOW_MS (off): each answer slower than that is noted on standard error with the wall-clock time it was due
   * (ms since the epoch) and its latency, one line per 10 ms slice of due times (its slowest answer and their count),
   * to line the stalls up with the target's own logs (GC, safepoints, JFR).
   */
  private static final long SLOW_MICROS = Long.getLong("openloop.slowMs",
      Long.parseLong(System.getenv().getOrDefault("OPEN_SLOW_MS", "0"))) * 1000;
  private final long epochOffsetNanos = System.currentTimeMillis() * 1_000_000 - System.nanoTime();
  private long slowSlice = -1;
  private long slowSliceMax;
  private long slowSliceCount;

  private final Vertx vertx;
  private final Context context;
  private final Plan plan;
  private final Promise<Result> done = Promise.promise();
  private final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
  private final RequestOptions request;
  private HttpClient client;
  private long startNanos;
  private long lastAnswerNanos;
  private long sent;
  private long answered;
  private long non2xx;
  private long failed;
  private long lateMicros;
  private long ticker;
  private boolean finished;

  PacedRun(Vertx vertx, Context context, Plan plan) {
    this.vertx = vertx;
    this.context = context;
    this.plan = plan;
    this.request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(plan.url())
        .setIdleTimeout(DRAIN_MS);
    if (!plan.key().isEmpty()) {
      request.putHeader("Authorization", "Bearer " + plan.key());
    }
  }

  Future<Result> start() {
    context.runOnContext(v -> {
      client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(plan.connections()).setMaxWaitQueueSize(-1));
      startNanos = System.nanoTime();
      lastAnswerNanos = startNanos;
      ticker = vertx.setPeriodic(1, id -> sendDue());
      sendDue();
    });
    return done.future();
  }

  private long dueNanos(long index) {
    return startNanos + (long) (index * 1e9 / plan.rate());
  }

  /** Sends every request whose intended time has come (the timer fires each millisecond, or later on a busy core). */
  private void sendDue() {
    long now = System.nanoTime();
    long total = plan.requests();
    while (sent < total && dueNanos(sent) <= now) {
      long intended = dueNanos(sent++);
      lateMicros = Math.max(lateMicros, (now - intended) / 1000);
      send(intended);
    }
    if (sent == total) {
      vertx.cancelTimer(ticker);
      vertx.setTimer(DRAIN_MS, id -> finish());
    }
  }

  private void send(long intendedNanos) {
    client.request(request)
        .compose(HttpClientRequest::send)
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(outcome -> {
          long now = System.nanoTime();
          if (finished) {
            return;
          }
          long micros = (now - intendedNanos) / 1000;
          latency.recordValue(Math.min(HIGHEST_MICROS, micros));
          if (SLOW_MICROS > 0 && micros >= SLOW_MICROS) {
            slow(intendedNanos, micros);
          }
          if (outcome.failed()) {
            failed++;
          } else {
            answered++;
            lastAnswerNanos = now;
            if (outcome.result() >= 400) {
              non2xx++;
            }
          }
          if (sent == plan.requests() && answered + failed == sent) {
            finish();
          }
        });
  }

  private void slow(long intendedNanos, long micros) {
    long slice = (intendedNanos + epochOffsetNanos) / 10_000_000;
    if (slice != slowSlice) {
      flushSlow();
      slowSlice = slice;
    }
    slowSliceMax = Math.max(slowSliceMax, micros);
    slowSliceCount++;
  }

  private void flushSlow() {
    if (slowSliceCount > 0) {
      System.err.printf(Locale.ROOT, "SLOW %s due_ms=%d max_ms=%.1f count=%d%n", plan.url(), slowSlice * 10,
          slowSliceMax / 1000.0, slowSliceCount);
    }
    slowSliceMax = 0;
    slowSliceCount = 0;
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    flushSlow();
    double seconds = Math.max(plan.seconds(), (lastAnswerNanos - startNanos) / 1e9);
    long unfinished = sent - answered - failed;
    client.close();
    done.complete(new Result(plan, latency, answered, non2xx, failed, unfinished, seconds, lateMicros));
  }
}
