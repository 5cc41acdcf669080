package dev.corridor.internal.time;

import dev.corridor.Clock;
import dev.corridor.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link Scheduler}: one daemon timer thread shared by every client in the process,
 * running tasks on the time base of each client's {@link Clock}, so that the clock and the
 * scheduler never disagree.
 *
 * <p>A task is due when its clock reaches its deadline. The thread sleeps on the system's monotonic
 * time, which on Android stops in deep sleep while a clock on {@code elapsedRealtimeNanos} does
 * not; so while a task of a clock other than {@link Clock#SYSTEM} is pending, the thread looks at
 * the clocks at least every {@link #RECHECK_NANOS}, and a task whose deadline passed while the
 * device slept runs within that long of the device waking, not a whole delay later.
 *
 * <p>Tasks are tiny: each hands a firing to its client's serial context.
 */
public final class SystemScheduler {
  /** Longest sleep while a task of another clock than the system's is pending. */
  static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** The scheduler on {@link Clock#SYSTEM}. */
  public static final Scheduler INSTANCE = forClock(Clock.SYSTEM);

  private static final Object lock = new Object();
  /** Pending tasks by system-time deadline. Guarded by {@link #lock}. */
  private static final PriorityQueue<Task> queue = new PriorityQueue<>();
  private static long order;
  /** Pending, uncancelled tasks on clocks other than the system's. Guarded by {@link #lock}. */
  private static int otherClockTasks;
  private static @Nullable Thread thread;

  private SystemScheduler() {}

  /** A scheduler whose delays run on {@code clock}'s time. */
  public static Scheduler forClock(Clock clock) {
    return (task, delay, unit) -> {
      // Capped at 2^61 ns (73 years), so that deadlines never overflow.
      long delayNanos = Math.min(Math.max(0, unit.toNanos(delay)), 1L << 61);
      Task t = new Task(clock, task, delayNanos);
      synchronized (lock) {
        t.order = order++;
        queue.add(t);
        if (clock != Clock.SYSTEM) otherClockTasks++;
        if (thread == null) {
          Thread th = new Thread(SystemScheduler::loop, "corridor-timer");
          th.setDaemon(true);
          thread = th;
          th.start();
        } else if (queue.peek() == t || (clock != Clock.SYSTEM && otherClockTasks == 1)) {
          // A new earliest deadline, or the first task that needs the thread to recheck the clocks
          // (it may be sleeping until a far system-clock deadline).
          lock.notifyAll();
        }
      }
      return () -> {
        synchronized (lock) {
          // Lazily: the entry stays in the queue, skipped when it comes up (removal would cost O(n)).
          if (!t.cancelled && !t.fired && clock != Clock.SYSTEM) otherClockTasks--;
          t.cancelled = true;
        }
      };
    };
  }

  private static void loop() {
    List<Task> due = new ArrayList<>();
    while (true) {
      synchronized (lock) {
        while (true) {
          long now = System.nanoTime();
          collectDue(now, due);
          if (!due.isEmpty()) break;
          Task head = queue.peek();
          long wait = head == null ? Long.MAX_VALUE : head.systemDeadline - now;
          if (otherClockTasks > 0) wait = Math.min(wait, RECHECK_NANOS);
          try {
            if (wait == Long.MAX_VALUE) {
              lock.wait();
            } else {
              TimeUnit.NANOSECONDS.timedWait(lock, wait);
            }
          } catch (InterruptedException ignored) {
            // A daemon thread with nothing to clean up: carry on.
          }
        }
      }
      for (Task t : due) {
        try {
          t.task.run();
        } catch (Throwable ignored) {
          // A task hands work to a client's context; a failure there must not stop everyone's timers.
        }
      }
      due.clear();
    }
  }

  /** Caller holds the lock. Moves tasks due on their own clocks into {@code due}. */
  private static void collectDue(long now, List<Task> due) {
    Task head;
    while ((head = queue.peek()) != null && head.systemDeadline - now <= 0) {
      queue.poll();
      if (head.cancelled) continue;
      long left = head.remainingOnClock();
      if (left <= 0) {
        fire(head, due);
      } else {
        head.systemDeadline = now + left; // the clock runs slower than the system's: wait for it
        queue.add(head);
      }
    }
    if (otherClockTasks == 0) return;
    // A clock that ran on while the system's time stood still (deep sleep) may have made tasks due early.
    List<Task> early = null;
    for (Task t : queue) {
      if (!t.cancelled && t.clock != Clock.SYSTEM && t.remainingOnClock() <= 0) {
        if (early == null) early = new ArrayList<>();
        early.add(t);
      }
    }
    if (early != null) {
      queue.removeAll(early);
      for (Task t : early) fire(t, due);
    }
  }

  /** Caller holds the lock. */
  private static void fire(Task t, List<Task> due) {
    t.fired = true;
    if (t.clock != Clock.SYSTEM) otherClockTasks--;
    due.add(t);
  }

  private static final class Task implements Comparable<Task> {
    final Clock clock;
    final Runnable task;
    /** Deadline on {@link #clock}. */
    final long clockDeadline;
    /** When the thread looks at it next, on System.nanoTime. Guarded by the lock. */
    long systemDeadline;
    long order;
    /** Guarded by the lock. */
    boolean cancelled;
    boolean fired;

    Task(Clock clock, Runnable task, long delayNanos) {
      this.clock = clock;
      this.task = task;
      long now = readClock(clock);
      this.clockDeadline = now + delayNanos;
      this.systemDeadline = System.nanoTime() + delayNanos;
    }

    long remainingOnClock() {
      if (clock == Clock.SYSTEM) return 0; // its system deadline is its deadline
      return clockDeadline - readClock(clock);
    }

    @Override
    public int compareTo(Task o) {
      long d = systemDeadline - o.systemDeadline;
      if (d != 0) return d < 0 ? -1 : 1;
      return Long.compare(order, o.order);
    }
  }

  private static long readClock(Clock clock) {
    try {
      return clock.nanoTime();
    } catch (Throwable t) {
      return System.nanoTime(); // a broken clock must not stop the timer thread
    }
  }
}
