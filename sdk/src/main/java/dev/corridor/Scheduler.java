package dev.corridor;

import java.util.concurrent.TimeUnit;

/**
 * Runs delayed tasks: backoff waits, heartbeats, timeouts. Injected through
 * {@link CorridorClient.Builder#scheduler} so that tests can run them in virtual time
 * ({@link dev.corridor.testing.FakeTime}). The default is one shared daemon timer thread; tasks
 * are tiny (they hand work to the client's serial context), so one thread serves many clients.
 */
public interface Scheduler {
  /** A scheduled task that can be cancelled. */
  interface Cancellable {
    /** Prevents the task from running if it has not started; no effect afterwards. */
    void cancel();
  }

  /**
   * Runs {@code task} once after {@code delay}. Must never run it on the calling thread before
   * returning.
   */
  Cancellable schedule(Runnable task, long delay, TimeUnit unit);
}
