package dev.corridor.testing;

import dev.corridor.Clock;
import dev.corridor.Scheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Clock} and {@link Scheduler} in virtual time. Time stands still until the test calls
 * {@link #advanceBy}; then due tasks run on the calling thread, in due-time order (ties in
 * scheduling order), each seeing the clock at its own due time. Nothing ever runs inline from
 * {@link #schedule}. Thread-safe, but meant to be driven from one test thread.
 *
 * <pre>{@code
 * FakeTime time = new FakeTime();
 * CorridorClient client = CorridorClient.builder(url).clock(time).scheduler(time).build();
 * client.connect();
 * time.advanceBy(25, TimeUnit.SECONDS); // the heartbeat's ping is due now
 * }</pre>
 */
public final class FakeTime implements Clock, Scheduler {
  /** Wall-clock reading at virtual time zero: 2026-01-01T00:00:00Z. */
  public static final long EPOCH_MILLIS = 1_767_225_600_000L;

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long nowNanos;
  private long sequence;

  @Override
  public synchronized long nanoTime() {
    return nowNanos;
  }

  @Override
  public synchronized long currentTimeMillis() {
    return EPOCH_MILLIS + TimeUnit.NANOSECONDS.toMillis(nowNanos);
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    if (delay < 0) delay = 0;
    Task t = new Task(nowNanos + unit.toNanos(delay), sequence++, task);
    queue.add(t);
    return () -> {
      synchronized (FakeTime.this) {
        queue.remove(t);
      }
    };
  }

  /** Moves time forward by {@code amount}, running every task that falls due on the way. */
  public void advanceBy(long amount, TimeUnit unit) {
    if (amount < 0) throw new IllegalArgumentException("time cannot go back: " + amount);
    long target;
    synchronized (this) {
      target = nowNanos + unit.toNanos(amount);
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.dueNanos > target) {
          nowNanos = target;
          return;
        }
        queue.poll();
        nowNanos = next.dueNanos;
      }
      next.runnable.run();
    }
  }

  /** Runs the tasks due now (delay 0) without moving time. */
  public void runDueTasks() {
    advanceBy(0, TimeUnit.NANOSECONDS);
  }

  /** Number of tasks waiting to run. */
  public synchronized int pendingTaskCount() {
    return queue.size();
  }

  /** Delay from now until the earliest pending task, or -1 when none is pending. */
  public synchronized long nextTaskDelay(TimeUnit unit) {
    Task next = queue.peek();
    return next == null ? -1 : unit.convert(next.dueNanos - nowNanos, TimeUnit.NANOSECONDS);
  }

  /** Delays from now of all pending tasks, soonest first. */
  public synchronized List<Long> pendingDelays(TimeUnit unit) {
    List<Long> delays = new ArrayList<>();
    for (Task t : queue) delays.add(unit.convert(t.dueNanos - nowNanos, TimeUnit.NANOSECONDS));
    Collections.sort(delays);
    return delays;
  }

  private static final class Task implements Comparable<Task> {
    final long dueNanos;
    final long order;
    final Runnable runnable;

    Task(long dueNanos, long order, Runnable runnable) {
      this.dueNanos = dueNanos;
      this.order = order;
      this.runnable = runnable;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(dueNanos, o.dueNanos);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }
}
