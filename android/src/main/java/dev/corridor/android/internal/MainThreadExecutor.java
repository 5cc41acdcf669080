package dev.corridor.android.internal;

import android.os.Handler;
import android.os.Looper;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks on the main thread, in submission order, always posted (never inline): Corridor
 * hands it each callback or delivery slice from its own threads, and a posted slice lets the
 * frames and input events already queued go first.
 */
public final class MainThreadExecutor implements Executor {
  private final Handler handler = new Handler(Looper.getMainLooper());

  @Override
  public void execute(Runnable task) {
    if (task == null) throw new NullPointerException("task");
    if (!handler.post(task)) {
      throw new RejectedExecutionException("the main looper is quitting");
    }
  }

  @Override
  public String toString() {
    return "MainThreadExecutor";
  }
}
