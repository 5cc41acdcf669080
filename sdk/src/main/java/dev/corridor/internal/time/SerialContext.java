package dev.corridor.internal.time;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The single owner of a client's mutable state: tasks submitted from any thread run one at a
 * time, in submission order, never concurrently. A task runs on the thread that submitted it
 * unless another thread is already draining, in which case that thread runs it after its current
 * task. No thread hop is needed on the inbound path, and no locks are held while tasks run.
 *
 * <p>Tasks must not block. A task that throws is reported to the handler and the drain goes on.
 */
public final class SerialContext implements Executor {
  /** Receives exceptions thrown by tasks. */
  public interface UncaughtHandler {
    void uncaught(Throwable error);
  }

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** The thread currently running tasks, or null. Set and cleared only by {@link #drain()}. */
  private final AtomicReference<Thread> drainingThread = new AtomicReference<>();
  private final UncaughtHandler handler;

  public SerialContext(UncaughtHandler handler) {
    this.handler = handler;
  }

  /** A task with its arguments passed separately, so that submitting it need not allocate. */
  public interface TaskWithArgument<T> {
    void run(long tag, T argument);
  }

  /** Queues {@code task} and drains the queue if no other thread is draining. */
  @Override
  public void execute(Runnable task) {
    // Fast path, the common case on the inbound path: nobody is draining and nothing is queued, so
    // the task can run at once, in order, without a queue node.
    if (enterIfIdle()) {
      try {
        task.run();
      } catch (Throwable t) {
        handler.uncaught(t);
      } finally {
        exit(); // even if the handler throws: the context must never stay owned
      }
      return;
    }
    queue.add(task);
    drain();
  }

  /**
   * As {@code execute(() -> task.run(tag, argument))}, without allocating when the context is idle:
   * for the inbound path, which runs once per message.
   */
  public <T> void execute(long tag, T argument, TaskWithArgument<T> task) {
    if (enterIfIdle()) {
      try {
        task.run(tag, argument);
      } catch (Throwable t) {
        handler.uncaught(t);
      } finally {
        exit(); // even if the handler throws: the context must never stay owned
      }
      return;
    }
    queue.add(() -> task.run(tag, argument));
    drain();
  }

  private boolean enterIfIdle() {
    return queue.isEmpty() && drainingThread.compareAndSet(null, Thread.currentThread());
  }

  /** Leaves after running a task inline, then runs whatever was queued meanwhile. */
  private void exit() {
    drainingThread.set(null);
    if (!queue.isEmpty()) drain();
  }

  private void drain() {
    do {
      if (!drainingThread.compareAndSet(null, Thread.currentThread())) {
        return;
      }
      try {
        Runnable task;
        while ((task = queue.poll()) != null) {
          try {
            task.run();
          } catch (Throwable t) {
            handler.uncaught(t);
          }
        }
      } finally {
        drainingThread.set(null);
      }
      // A task queued between the last poll and clearing the owner must not be stranded.
    } while (!queue.isEmpty());
  }

  /** Throws unless called from a task of this context. Cheap: one volatile read. */
  public void checkInContext() {
    if (drainingThread.get() != Thread.currentThread()) {
      throw new IllegalStateException("Not called from the client's serial context");
    }
  }
}
