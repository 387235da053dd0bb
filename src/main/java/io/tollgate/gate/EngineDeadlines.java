package io.tollgate.gate;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * {@code engine_timeout} for the exchanges waiting on the engine: from the engine request's start (a pooled
 * connection had) until the engine's answer head arrives, after which the exchange is timed out ({@code 504});
 * then, while the answer's body streams, from the engine's last data (see {@link #startFrom}), after which the
 * exchange is cut.
 *
 * <p>Kept with one timer per event loop rather than one set and cancelled per request (a Vert.x timer per request,
 * with its id map and close hook, was 2.4 % of the proxied path's CPU). Every exchange of one instance has the same
 * timeout, so on one loop the deadlines mostly come in the order the exchanges start: each loop keeps its waiting
 * exchanges in a linked list in deadline order (a new one is appended; a body's watch counted from earlier data is
 * placed from the newest end), an answered one is unlinked at once (nothing is kept for the rest of its timeout),
 * and the loop's one timer is armed for its soonest deadline. When the timer fires, every exchange past its deadline
 * times out and the timer is armed again for the oldest left; one whose head has since been answered costs nothing.
 * Under steady load the timer fires about once per timeout and finds the oldest exchange started well after it was
 * armed. A deadline is met as exactly as by a timer of its own: the timer is never armed later than the oldest
 * deadline, and a deadline in milliseconds is rounded up as Vert.x's timers are.
 *
 * <p>Used on the event loops only: each exchange starts, is answered and times out on its request's loop.
 */
final class EngineDeadlines {
  private final Vertx vertx;
  private final long timeoutNanos;
  private final ThreadLocal<Loop> loops = ThreadLocal.withInitial(Loop::new);

  EngineDeadlines(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeoutNanos = timeout.toNanos();
  }

  /** An exchange now waits on the engine: {@code onTimeout} runs on this loop if it still waits at its deadline. */
  Waiting start(Runnable onTimeout) {
    return startFrom(System.nanoTime(), onTimeout);
  }

  /**
   * As {@link #start}, the deadline counted from {@code fromNanos} ({@link System#nanoTime}, at most now): an
   * answer's body watched from its last data. Such a deadline may come before deadlines already kept, so it is
   * placed in order from the newest end (a body's watch is placed again at most once per timeout).
   */
  Waiting startFrom(long fromNanos, Runnable onTimeout) {
    Loop loop = loops.get();
    Waiting w = new Waiting(loop, fromNanos + timeoutNanos, onTimeout);
    loop.add(w);
    return w;
  }

  /** The timeout every deadline of this instance is counted with, in nanoseconds. */
  long timeoutNanos() {
    return timeoutNanos;
  }

  /** One exchange waiting on the engine; {@link #done} when its answer head came or it failed. */
  static final class Waiting {
    private final Loop loop;
    private final long deadline;
    private final Runnable onTimeout;
    private Waiting prev;
    private Waiting next;
    private boolean linked;

    private Waiting(Loop loop, long deadline, Runnable onTimeout) {
      this.loop = loop;
      this.deadline = deadline;
      this.onTimeout = onTimeout;
    }

    /** No longer waiting (answered, failed or timed out); any number of times. */
    void done() {
      loop.remove(this);
    }
  }

  /** The waiting exchanges of one event loop, soonest deadline first, and its timer when one is armed. */
  private final class Loop {
    private Waiting head;
    private Waiting tail;
    /** The armed timer's id, or -1; it is armed for {@link #armedFor}, never after the head's deadline. */
    private long timer = -1;
    private long armedFor;

    void add(Waiting w) {
      Waiting before = tail;
      while (before != null && before.deadline - w.deadline > 0) {
        before = before.prev;
      }
      w.prev = before;
      w.next = before == null ? head : before.next;
      if (before == null) {
        head = w;
      } else {
        before.next = w;
      }
      if (w.next == null) {
        tail = w;
      } else {
        w.next.prev = w;
      }
      w.linked = true;
      if (timer < 0 || w.deadline - armedFor < 0) {
        arm(w.deadline);
      }
    }

    void remove(Waiting w) {
      if (!w.linked) {
        return;
      }
      w.linked = false;
      if (w.prev == null) {
        head = w.next;
      } else {
        w.prev.next = w.next;
      }
      if (w.next == null) {
        tail = w.prev;
      } else {
        w.next.prev = w.prev;
      }
      w.prev = null;
      w.next = null;
    }

    /** Arms the loop's one timer for {@code deadline}, in place of one armed for later. */
    private void arm(long deadline) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      armedFor = deadline;
      long inNanos = deadline - System.nanoTime();
      timer = vertx.setTimer(Math.max(1, (inNanos + 999_999) / 1_000_000), this::fire);
    }

    private void fire(long id) {
      if (id != timer) {
        return; // replaced by a timer for an earlier deadline
      }
      timer = -1;
      long now = System.nanoTime();
      try {
        while (head != null && head.deadline - now <= 0) {
          Waiting w = head;
          remove(w);
          w.onTimeout.run(); // may add a waiting exchange, which arms the timer
        }
      } finally { // a timeout that throws still leaves the timer armed for the others
        if (head != null && timer < 0) {
          arm(head.deadline);
        }
      }
    }
  }
}
