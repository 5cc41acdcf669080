package dev.corridor.internal.time;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in order, on a delegate executor. Used for application callbacks so
 * that a client's callbacks never overlap or reorder, whatever pool runs them.
 *
 * <p>A turn on the delegate runs only the tasks queued when it began; tasks queued during the turn
 * (a delivery slice re-posting itself, say) get a new turn, queued behind whatever else the
 * delegate has. Otherwise one turn would run every re-post in a loop and hold an application's
 * main thread for a whole stream. If the delegate refuses a turn, the task being submitted is
 * dropped and the refusal is thrown to the submitter, and the executor stays usable.
 */
public final class SerialExecutor implements Executor {
  private final Executor delegate;
  private final Runnable turn = this::drain;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  /** True while a turn is scheduled or running on the delegate. Guarded by {@code tasks}. */
  private boolean draining;

  public SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (draining) return;
      draining = true;
    }
    try {
      delegate.execute(turn);
    } catch (RuntimeException | Error e) {
      synchronized (tasks) {
        tasks.removeLastOccurrence(task); // refused: the caller hears of it and the task is lost
        draining = false;
      }
      throw e;
    }
  }

  private void drain() {
    int count;
    synchronized (tasks) {
      count = tasks.size();
    }
    for (int i = 0; i < count; i++) {
      Runnable task;
      synchronized (tasks) {
        task = tasks.poll();
      }
      if (task == null) break;
      task.run(); // callers wrap tasks so that they do not throw
    }
    synchronized (tasks) {
      if (tasks.isEmpty()) {
        draining = false;
        return;
      }
    }
    try {
      delegate.execute(turn); // the rest waits behind what the delegate queued meanwhile
    } catch (RuntimeException | Error e) {
      // Refused (the delegate is shutting down): what is queued runs on the next execute().
      synchronized (tasks) {
        draining = false;
      }
    }
  }
}
