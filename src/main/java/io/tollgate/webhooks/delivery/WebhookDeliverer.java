package io.tollgate.webhooks.delivery;

import io.tollgate.webhooks.Backoff;
import io.tollgate.webhooks.Destinations;
import io.tollgate.webhooks.Signature;
import io.tollgate.webhooks.WebhookStore;

import io.tollgate.webhooks.WebhookStore.Claimed;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: a thread of its own claims due deliveries from the store (so that, with several nodes,
 * each delivery is attempted by one node at a time), POSTs each signed body on Vert.x's HTTP client (never on the
 * gate's request path), and records the outcome. At least once: a delivery is done only once a 2xx answer is
 * recorded; a node killed in between leaves it claimed until its claim runs out, then another attempt sends it
 * again with the same {@code webhook-id}.
 */
public final class WebhookDeliverer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverer.class);
  /** An attempt's whole time: connection, request and answer. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** How long a claim holds: longer than an attempt, so a live node's claim never runs out under it. */
  static final Duration CLAIM = Duration.ofSeconds(60);
  /** Deliveries in flight at once (claimed at once when none is). */
  static final int CLAIM_BATCH = 16;
  /** How long delivered and failed deliveries stay visible before they are pruned. */
  public static final Duration KEPT = Duration.ofDays(30);
  /** How often they are pruned. */
  static final Duration PRUNE_EVERY = Duration.ofHours(1);
  /** The most of an answer's body read and kept. */
  static final int MAX_BODY = 1024;

  /**
   * How the deliverer works.
   *
   * @param pollInterval how often the store is asked for due deliveries when the last claim found none
   * @param backoff when failed attempts are tried again
   * @param disableAfter how long an endpoint may fail every attempt before it is disabled
   * @param keyScanInterval how often keys about to expire are looked for ({@code key.expiring})
   */
  public record Settings(Duration pollInterval, Backoff backoff, Duration disableAfter, Duration keyScanInterval) {}

  /** How long before a key's expiry {@code key.expiring} is written. */
  public static final Duration KEY_EXPIRING_AHEAD = Duration.ofDays(7);

  private final WebhookStore store;
  private final Destinations destinations;
  private final Settings settings;
  private final String node;
  private final InstantSource clock;
  private final HttpClient http;
  private final Thread thread;
  /**
   * Work for the deliverer's thread: recording an attempt that ended (put there by the attempt's own completion,
   * on an event loop), or nothing, to wake it.
   */
  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  /** Attempts started and not yet recorded; the deliverer's thread alone reads and writes it. */
  private int inFlight;
  private volatile boolean running = true;

  private WebhookDeliverer(WebhookStore store, Vertx vertx, Destinations destinations, Settings settings,
      String node, InstantSource clock) {
    this.store = store;
    this.destinations = destinations;
    this.settings = settings;
    this.node = node;
    this.clock = clock;
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) TIMEOUT.toMillis())
        .setIdleTimeout((int) TIMEOUT.toSeconds())
        .setForceSni(true)
        .setVerifyHost(true)
        .setMaxRedirects(0), new PoolOptions().setHttp1MaxSize(CLAIM_BATCH));
    this.thread = Thread.ofPlatform().name("tollgate-webhooks").daemon().unstarted(this::loop);
  }

  /** Starts delivering. */
  public static WebhookDeliverer start(WebhookStore store, Vertx vertx, Destinations destinations,
      Settings settings, String node, InstantSource clock) {
    WebhookDeliverer d = new WebhookDeliverer(store, vertx, destinations, settings, node, clock);
    d.thread.start();
    return d;
  }

  private void loop() {
    Instant pruned = Instant.MIN;
    Instant scanned = Instant.MIN;
    while (running) {
      int started = 0;
      if (!now().isBefore(scanned.plus(settings.keyScanInterval()))) {
        scanned = now();
        scanExpiringKeys(scanned);
      }
      try {
        if (now().isAfter(pruned.plus(PRUNE_EVERY))) {
          pruned = now();
          int rows = store.prune(pruned.minus(KEPT));
          if (rows > 0) {
            LOG.info("pruned {} webhook deliveries older than {} days", rows, KEPT.toDays());
          }
        }
        started = deliverDue();
      } catch (RuntimeException e) {
        LOG.warn("webhook deliveries not claimed: {}", e.toString());
      }
      try {
        // claimed some: look for more at once; otherwise until an attempt ends or the poll interval passes
        runTasks(started > 0 ? tasks.poll() : tasks.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        return;
      }
    }
    finishInFlight();
  }

  /** Runs {@code first} (when there is one) and every task waiting behind it. */
  private void runTasks(Runnable first) {
    for (Runnable task = first; task != null; task = tasks.poll()) {
      task.run();
    }
  }

  /** At close: records the attempts still in flight as they end, for at most twice an attempt's time. */
  private void finishInFlight() {
    long until = System.nanoTime() + TIMEOUT.multipliedBy(2).toNanos();
    try {
      while (inFlight > 0 && System.nanoTime() < until) {
        runTasks(tasks.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (inFlight > 0) {
      LOG.warn("{} webhook attempts did not end in time (their claims run out)", inFlight);
    }
  }

  /** Writes the key.expiring events due at {@code now}; a failure is logged and tried again at the next scan. */
  private void scanExpiringKeys(Instant now) {
    try {
      int written = store.writeExpiringKeys(now, KEY_EXPIRING_AHEAD);
      if (written > 0) {
        LOG.info("{} key.expiring events written", written);
      }
    } catch (RuntimeException e) {
      LOG.warn("keys about to expire not looked for: {}", e.toString());
    }
  }

  /**
   * Claims due deliveries, as many as there is room for beside the attempts in flight, and starts an attempt of
   * each. Each attempt is recorded on this thread as soon as it ends, never on an event loop (recording writes to
   * the store), and never waits for the others: an endpoint that answers slowly, or not at all until the timeout,
   * holds back only its own deliveries. Returns how many were claimed.
   */
  int deliverDue() {
    if (inFlight >= CLAIM_BATCH) {
      return 0;
    }
    Instant now = now();
    List<Claimed> due = store.claimDue(node, now, now.plus(CLAIM), CLAIM_BATCH - inFlight);
    for (Claimed c : due) {
      inFlight++;
      attempt(c).recover(e -> Future.succeededFuture(new Outcome(Optional.empty(), describe(e))))
          .onSuccess(outcome -> tasks.add(() -> {
            inFlight--;
            record(c, outcome);
          }));
    }
    return due.size();
  }

  /** What an attempt got: the answer's status when there was one, and its body or what went wrong. */
  private record Outcome(Optional<Integer> status, String detail) {
    boolean delivered() {
      return status.isPresent() && status.get() >= 200 && status.get() < 300;
    }
  }

  private Future<Outcome> attempt(Claimed c) {
    URI uri = URI.create(c.url());
    boolean https = uri.getScheme().equalsIgnoreCase("https");
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    InetAddress address;
    try {
      Optional<String> refused = destinations.refusal(c.url());
      if (refused.isPresent()) {
        return Future.failedFuture(new IllegalArgumentException("url " + refused.get()));
      }
      address = destinations.resolve(uri.getHost()); // blocking, on this thread: never an event loop
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    long timestamp = now().getEpochSecond();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
        .setHost(uri.getHost()).setPort(port).setSsl(https).setURI(path)
        .setFollowRedirects(false).setConnectTimeout(TIMEOUT.toMillis()).setIdleTimeout(TIMEOUT.toMillis())
        .putHeader("content-type", "application/json")
        .putHeader("user-agent", "Tollgate-Webhooks")
        .putHeader("webhook-id", c.eventId())
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", Signature.sign(c.secret(), c.eventId(), timestamp, c.payload()));
    return http.request(options)
        .compose(req -> req.send(Buffer.buffer(c.payload(), "UTF-8")))
        .compose(resp -> {
          Promise<Outcome> done = Promise.promise();
          Buffer kept = Buffer.buffer();
          resp.handler(chunk -> {
            if (kept.length() < MAX_BODY) {
              kept.appendBuffer(chunk.slice(0, Math.min(chunk.length(), MAX_BODY - kept.length())));
            }
          });
          resp.exceptionHandler(done::tryFail);
          resp.endHandler(v -> done.tryComplete(new Outcome(Optional.of(resp.statusCode()),
              kept.toString(StandardCharsets.UTF_8))));
          return done.future();
        })
        .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void record(Claimed c, Outcome outcome) {
    Instant now = now();
    try {
      if (outcome.delivered()) {
        store.delivered(c, outcome.status().get(), now);
        return;
      }
      Optional<Instant> retry = settings.backoff().next(c.attempts() + 1, now, c.deadlineAt());
      Instant failingSince = c.endpointFailingSince().orElse(now);
      Optional<String> disable = failingSince.plus(settings.disableAfter()).isAfter(now) ? Optional.empty()
          : Optional.of("every attempt failed since " + failingSince + " (webhooks.disable_after: "
              + settings.disableAfter() + ")");
      String detail = outcome.status().map(s -> "HTTP " + s + (outcome.detail().isEmpty() ? "" : ": "))
          .orElse("") + outcome.detail();
      store.attemptFailed(c, outcome.status(), detail, now, retry, disable);
      disable.ifPresent(reason -> LOG.warn("webhook endpoint {} disabled: {}", c.endpointId(), reason));
    } catch (RuntimeException e) {
      LOG.warn("webhook delivery {} attempted but not recorded (it will be attempted again): {}", c.deliveryId(),
          e.toString());
    }
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Stops claiming; an attempt in flight is recorded when it ends within twice an attempt's time, or its claim runs
   * out and it is attempted again.
   */
  @Override
  public void close() {
    running = false;
    tasks.add(() -> { }); // wakes the thread
    try {
      thread.join(TIMEOUT.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
  }
}
