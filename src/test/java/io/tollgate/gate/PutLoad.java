package io.tollgate.gate;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** {@code threads} keep-alive connections, each sending PUTs back to back and counting the 2xx answers read. */
final class PutLoad {
  private final LongAdder answered = new LongAdder();
  /** When each 2xx answer was read ({@link System#nanoTime()}), one list per connection thread. */
  private final List<List<Long>> answeredAt = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  final List<Integer> otherStatuses = new CopyOnWriteArrayList<>();
  final List<IOException> failuresBeforeKill = new CopyOnWriteArrayList<>();
  private volatile boolean killing;
  private volatile boolean stopped;

  static PutLoad start(int port, String key, int threads) {
    PutLoad load = new PutLoad();
    for (int i = 0; i < threads; i++) {
      Thread t = Thread.ofPlatform().name("crash-load-" + i).start(() -> load.run(port, key));
      load.threads.add(t);
    }
    return load;
  }

  static String put(String id, int port, String key) {
    String body = "{\"id\":\"" + id + "\"}";
    return "PUT /v1/default/items/" + id + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer "
        + key + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  private void run(int port, String key) {
    List<Long> times = new ArrayList<>();
    answeredAt.add(times);
    try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(10))) {
      while (!stopped) {
        c.send(put("load-" + sequence.incrementAndGet(), port, key));
        int status = c.read().status();
        if (status / 100 == 2) {
          times.add(System.nanoTime());
          answered.increment();
        } else {
          otherStatuses.add(status);
        }
      }
    } catch (IOException e) {
      if (!killing) {
        failuresBeforeKill.add(e);
      }
    }
  }

  long answered() {
    return answered.sum();
  }

  /** 2xx answers read at or after {@code nanoTime}; call after {@link #stop}. */
  long answeredSince(long nanoTime) {
    return answeredAt.stream().flatMap(List::stream).filter(t -> t - nanoTime >= 0).count();
  }

  /** From now on a connection failing is expected. */
  void killing() {
    killing = true;
  }

  /** Stops sending and waits for every connection to end; what was answered is final then. */
  void stop() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      if (!t.join(Duration.ofSeconds(15))) {
        throw new AssertionError(t.getName() + " did not end");
      }
    }
  }
}
