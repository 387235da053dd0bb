package io.tollgate.gate;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Client load on several nodes at once: per node a number of keep-alive connections, each sending the same GET back
 * to back (so each has at most one request in flight), all released at the same moment. Every answer is recorded
 * with its node, status and the moment it was read; so is every failed connection (a reset, a refused connect).
 */
final class NodeLoad {
  /** One answer read: node index, status, {@link System#nanoTime()} when it was read. */
  record Answer(int node, int status, long at) {}

  /** A connection that failed: node index, when, what. */
  record Failure(int node, long at, String error) {}

  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final int connections;
  private final CountDownLatch go = new CountDownLatch(1);
  private volatile boolean stopped;
  private long startedAt;
  private long stoppedAt;

  private NodeLoad(int connections) {
    this.connections = connections;
  }

  static NodeLoad start(List<TollgateProcess> nodes, int perNode, String path, String key) {
    NodeLoad load = new NodeLoad(nodes.size() * perNode);
    for (int n = 0; n < nodes.size(); n++) {
      int node = n;
      int port = nodes.get(n).gatePort();
      for (int c = 0; c < perNode; c++) {
        load.threads.add(Thread.ofPlatform().name("load-node" + n + "-" + c)
            .start(() -> load.run(node, port, get(path, port, key))));
      }
    }
    load.startedAt = System.nanoTime();
    load.go.countDown();
    return load;
  }

  static String get(String path, int port, String key) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + key + "\r\n\r\n";
  }

  private void run(int node, int port, String request) {
    try {
      go.await();
    } catch (InterruptedException e) {
      return;
    }
    while (!stopped) {
      try (RawHttp.Connection c = RawHttp.Connection.open(port, Duration.ofSeconds(20))) {
        while (!stopped) {
          c.send(request);
          int status = c.read().status();
          answers.add(new Answer(node, status, System.nanoTime()));
        }
      } catch (IOException e) {
        failures.add(new Failure(node, System.nanoTime(), e.toString()));
        if (e instanceof java.net.ConnectException) {
          return; // nobody listens there any more
        }
      }
    }
  }

  /** Stops sending and waits for every connection to end; what was answered is final then. */
  NodeLoad stop() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      if (!t.join(Duration.ofSeconds(30))) {
        throw new AssertionError(t.getName() + " did not end");
      }
    }
    stoppedAt = System.nanoTime();
    return this;
  }

  /** When the connections were released ({@link System#nanoTime()}). */
  long startedAt() {
    return startedAt;
  }

  /** When the last connection ended (after {@link #stop}). */
  long stoppedAt() {
    return stoppedAt;
  }

  /** Connections in all: each has at most one request in flight. */
  int connections() {
    return connections;
  }

  long count(Predicate<Answer> which) {
    return answers.stream().filter(which).count();
  }

  long answered() {
    return answers.size();
  }

  long admitted() {
    return count(a -> a.status() == 200);
  }

  /** 200 answers read through {@code node}. */
  long admitted(int node) {
    return count(a -> a.node() == node && a.status() == 200);
  }

  /** 200 answers read through {@code node} at or after {@code nanoTime}. */
  long admittedSince(int node, long nanoTime) {
    return count(a -> a.node() == node && a.status() == 200 && a.at() - nanoTime >= 0);
  }

  /** 200 answers per window of {@code window} from the start; answers read after the last window join it. */
  long[] admittedPerWindow(Duration window, int windows) {
    long[] per = new long[windows];
    answers.stream().filter(a -> a.status() == 200).forEach(a -> {
      long k = (a.at() - startedAt) / window.toNanos();
      per[(int) Math.min(windows - 1, Math.max(0, k))]++;
    });
    return per;
  }

  /** Statuses and their counts through {@code node}. */
  Map<Integer, Long> statuses(int node) {
    return answers.stream().filter(a -> a.node() == node)
        .collect(Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting()));
  }

  List<Failure> failures(int node) {
    return failures.stream().filter(f -> f.node() == node).toList();
  }
}
