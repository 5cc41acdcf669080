package dev.corridor.internal.time;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in order, on a delegate executor. Used for application callbacks so
 * that a client's callbacks never overlap or reorder, whatever pool runs them.
 */
public final class SerialExecutor implements Executor {
  private final Executor delegate;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  /** True while a drain is scheduled or running on the delegate. Guarded by {@code tasks}. */
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
    delegate.execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (tasks) {
        task = tasks.poll();
        if (task == null) {
          draining = false;
          return;
        }
      }
      task.run(); // callers wrap tasks so that they do not throw
    }
  }
}
