package dev.corridor.internal.time;

import dev.corridor.Scheduler;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One restartable timer whose task runs in a {@link SerialContext}. Starting it again replaces the
 * pending run; cancelling from the context is final even if the scheduler already fired, because
 * the firing is re-checked inside the context. Touched only from the context.
 */
public final class SerialTimer {
  private final Scheduler scheduler;
  private final SerialContext context;
  private final Runnable task;
  /** The pending run, or null when idle. */
  private @Nullable Pending pending;

  public SerialTimer(Scheduler scheduler, SerialContext context, Runnable task) {
    this.scheduler = scheduler;
    this.context = context;
    this.task = task;
  }

  /** (Re)starts the timer: {@code task} runs after {@code delayNanos} unless cancelled first. */
  public void start(long delayNanos) {
    cancel();
    final Pending run = new Pending();
    pending = run;
    run.handle = scheduler.schedule(() -> context.execute(() -> {
      if (pending != run) return; // cancelled or replaced after the scheduler fired
      pending = null;
      task.run();
    }), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  public void cancel() {
    Pending run = pending;
    if (run != null) {
      pending = null;
      if (run.handle != null) run.handle.cancel();
    }
  }

  public boolean isPending() {
    return pending != null;
  }

  private static final class Pending {
    Scheduler.@Nullable Cancellable handle;
  }
}
