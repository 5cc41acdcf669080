package dev.corridor.internal.time;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The single owner of a client's mutable state: tasks submitted from any thread run one at a
 * time, in submission order, never concurrently, and only on Corridor's own threads.
 *
 * <p>Who runs the tasks: {@link #execute} only queues and, if nobody is running the context,
 * hands a drain to the client's executor (Corridor's pool); the calling thread, an application's
 * or the shared timer thread, returns at once and never runs a backlog. A drain runs at most
 * {@link #SLICE} tasks and then re-posts itself, so one busy client cannot hold a pool thread.
 * The one exception is {@link #executeOnReader}: the socket's reader thread, which is Corridor's,
 * runs an inbound message at once if the context is idle, saving a thread hop per message; what
 * was queued meanwhile is still handed to a drain, never run on the reader.
 *
 * <p>Tasks must not block. A task that throws has hit a bug in Corridor: the handler is told and
 * is expected to fail the client (the drain goes on, so that the failure itself can run).
 */
public final class SerialContext implements Executor {
  /** Most tasks a drain runs before it re-posts itself to the executor. */
  static final int SLICE = 256;

  /** Receives exceptions thrown by tasks. */
  public interface UncaughtHandler {
    void uncaught(Throwable error);
  }

  /** A task with its arguments passed separately, so that submitting it need not allocate. */
  public interface TaskWithArgument<T> {
    void run(long tag, T argument);
  }

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** True while a drain is scheduled or running, or a reader runs a task inline. */
  private final AtomicBoolean busy = new AtomicBoolean();
  /**
   * The thread running tasks now, or null; for {@link #checkInContext}. Written only by the thread
   * that holds {@link #busy}, whose compare-and-set orders it: a thread reading it sees either its
   * own write or another thread's, never itself by mistake, so it needs no volatile store of its
   * own (two fewer fences per inbound message).
   */
  private @Nullable Thread owner;
  private final Executor executor;
  private final UncaughtHandler handler;
  private final Runnable drainTask = this::drain;

  /** @param executor runs the drains: Corridor's pool (tests pass a direct executor) */
  public SerialContext(Executor executor, UncaughtHandler handler) {
    this.executor = executor;
    this.handler = handler;
  }

  /** Queues {@code task}; it runs on the client's drain, never on the calling thread. */
  @Override
  public void execute(Runnable task) {
    queue.add(task);
    if (busy.compareAndSet(false, true)) schedule();
  }

  /**
   * For the socket's reader thread only: runs {@code task} at once, without allocating, when the
   * context is idle and nothing is queued; otherwise queues it behind what is.
   */
  public <T> void executeOnReader(long tag, T argument, TaskWithArgument<T> task) {
    if (!tryRunOnReader(tag, argument, task)) execute(() -> task.run(tag, argument));
  }

  /**
   * For the socket's reader thread only: runs {@code task} at once if the context is idle and
   * nothing is queued, and returns true; otherwise returns false and queues nothing.
   */
  public <T> boolean tryRunOnReader(long tag, T argument, TaskWithArgument<T> task) {
    if (queue.isEmpty() && busy.compareAndSet(false, true)) {
      Thread self = Thread.currentThread();
      owner = self;
      try {
        task.run(tag, argument);
      } catch (Throwable t) {
        handler.uncaught(t);
      } finally {
        owner = null;
        release();
      }
      return true;
    }
    return false;
  }

  private void drain() {
    owner = Thread.currentThread();
    try {
      Runnable task;
      for (int n = 0; n < SLICE && (task = queue.poll()) != null; n++) {
        try {
          task.run();
        } catch (Throwable t) {
          handler.uncaught(t);
        }
      }
    } finally {
      owner = null;
      release();
    }
  }

  /** Gives the context up; if tasks are waiting, hands them to a new drain. */
  private void release() {
    busy.set(false);
    // A task queued after the last poll but before the release must not be stranded.
    if (!queue.isEmpty() && busy.compareAndSet(false, true)) schedule();
  }

  private void schedule() {
    try {
      executor.execute(drainTask);
    } catch (Throwable t) {
      // Corridor's pool does not refuse work; if an executor ever does, run here rather than strand it.
      drain();
    }
  }

  /** Throws unless called from a task of this context. Cheap: one field read. */
  public void checkInContext() {
    if (owner != Thread.currentThread()) {
      throw new IllegalStateException("Not called from the client's serial context");
    }
  }
}
