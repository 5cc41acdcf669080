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

  /** Queues {@code task} and drains the queue if no other thread is draining. */
  @Override
  public void execute(Runnable task) {
    queue.add(task);
    drain();
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
