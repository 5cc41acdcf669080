package dev.corridor.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A single-thread executor standing in for an application's main thread (Android's main looper):
 * one thread named {@value #NAME}, running tasks in the order they were posted. Tests pass it as
 * the callback executor, or run application calls on it, and shut it down when done.
 */
final class AppMainThread implements Executor, AutoCloseable {
  static final String NAME = "app-main";

  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, NAME);
    t.setDaemon(true);
    return t;
  });

  @Override
  public void execute(Runnable task) {
    thread.execute(task);
  }

  /** Runs {@code call} on the main thread and returns its result, waiting at most {@code seconds}. */
  <T> T call(Callable<T> call, long seconds) throws Exception {
    Future<T> result = thread.submit(call);
    try {
      return result.get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception) throw (Exception) e.getCause();
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("the main thread did not finish the call within " + seconds + " s", e);
    }
  }

  /** Runs {@code task} on the main thread and waits for it, at most {@code seconds}. */
  void run(Runnable task, long seconds) throws Exception {
    call(() -> {
      task.run();
      return null;
    }, seconds);
  }

  /** Ends the thread and waits for it; throws no InterruptedException, as AutoCloseable advises. */
  @Override
  public void close() {
    thread.shutdownNow();
    boolean ended;
    try {
      ended = thread.awaitTermination(CorridorTestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the " + NAME + " thread to end", e);
    }
    assertThat(ended).as("%s thread ended", NAME).isTrue();
  }
}
