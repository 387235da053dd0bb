package io.tollgate.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Client load for the fault tests: a number of threads, each making its calls one after the other. */
final class Load {
  private Load() {}

  /** One call: the thread's number and the call's number on that thread. */
  interface Call {
    void run(int thread, int i) throws Exception;
  }

  /** Runs {@code perThread} calls on each of {@code threads} threads and waits for all; a call's failure is rethrown. */
  static void run(int threads, int perThread, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> load = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        load.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            call.run(thread, i);
          }
          return null;
        }));
      }
      for (Future<?> l : load) {
        l.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
  }
}
