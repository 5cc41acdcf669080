package dev.corridor.internal;

import dev.corridor.BackoffPolicy;
import dev.corridor.Clock;
import dev.corridor.ExponentialBackoff;
import dev.corridor.NetworkMonitor;
import dev.corridor.RandomSource;
import dev.corridor.Scheduler;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one guard around every call into code the application supplies: policies, the random
 * source, the network monitor, the clock, the scheduler and executors. Each wrapper catches what
 * the application's code throws, reports it as a callback failure and falls back to a defined
 * default, so that a throwing policy can neither wedge the client nor leave a transition half done.
 *
 * <p>Fallbacks: the clock falls back to {@link Clock#SYSTEM}; the random source to
 * {@link java.util.Random} (also for values outside [0, 1)); the backoff policy to
 * {@link ExponentialBackoff#DEFAULT} for that wait; the scheduler to Corridor's own
 * timer; the network monitor to "available" (and {@code stop()} is called only after a
 * {@code start()}, once); an executor that refuses a task reports it and the caller decides.
 */
public final class Guarded {
  /** Where failures of application code are reported; posts them to the client's context. */
  public interface Reporter {
    void callbackFailed(Throwable error);
  }

  private Guarded() {}

  public static Clock clock(Clock clock, Reporter reporter) {
    if (clock == Clock.SYSTEM) return clock;
    return new Clock() {
      private final AtomicBoolean reported = new AtomicBoolean();

      @Override
      public long nanoTime() {
        try {
          return clock.nanoTime();
        } catch (Throwable t) {
          once(reported, reporter, t);
          return Clock.SYSTEM.nanoTime();
        }
      }

      @Override
      public long currentTimeMillis() {
        try {
          return clock.currentTimeMillis();
        } catch (Throwable t) {
          once(reported, reporter, t);
          return Clock.SYSTEM.currentTimeMillis();
        }
      }
    };
  }

  public static RandomSource random(RandomSource random, Reporter reporter) {
    Random fallback = new Random();
    return () -> {
      double v;
      try {
        v = random.nextDouble();
      } catch (Throwable t) {
        reporter.callbackFailed(t);
        return fallback.nextDouble();
      }
      if (!(v >= 0 && v < 1)) {
        reporter.callbackFailed(new IllegalStateException("RandomSource returned " + v + ", outside [0, 1)"));
        return fallback.nextDouble();
      }
      return v;
    };
  }

  /**
   * The application's backoff policy with failures reported: a wait that throws or is negative
   * becomes {@link ExponentialBackoff#DEFAULT}'s, and {@code steadyStep()} is read once, bounded by
   * {@link #MAX_STEADY_STEP}.
   */
  public static BackoffPolicy backoff(BackoffPolicy policy, Reporter reporter) {
    // Corridor's own policy cannot throw (its random source is guarded).
    if (policy instanceof ExponentialBackoff) return policy;
    int steady;
    try {
      steady = policy.steadyStep();
    } catch (Throwable t) {
      reporter.callbackFailed(t);
      steady = ExponentialBackoff.DEFAULT.steadyStep();
    }
    final int steadyStep = Math.max(0, Math.min(steady, MAX_STEADY_STEP));
    return new BackoffPolicy() {
      @Override
      public long delayMillis(int step, long outageMillis, RandomSource random) {
        try {
          long delay = policy.delayMillis(step, outageMillis, random);
          if (delay >= 0) return delay;
          reporter.callbackFailed(new IllegalStateException("BackoffPolicy returned a negative delay: " + delay));
        } catch (Throwable t) {
          reporter.callbackFailed(t);
        }
        return ExponentialBackoff.DEFAULT.delayMillis(step, outageMillis, random);
      }

      @Override
      public int steadyStep() {
        return steadyStep;
      }
    };
  }

  /** Steps an application's policy may ask the client to count: 64 payback periods at most. */
  public static final int MAX_STEADY_STEP = 64;

  /** A scheduler that falls back to {@code fallback} for any task the application's refuses. */
  public static Scheduler scheduler(Scheduler scheduler, Scheduler fallback, Reporter reporter) {
    if (scheduler == fallback) return scheduler;
    return (task, delay, unit) -> {
      try {
        Scheduler.Cancellable c = scheduler.schedule(task, delay, unit);
        if (c != null) return c;
        reporter.callbackFailed(new NullPointerException("Scheduler.schedule returned null"));
      } catch (Throwable t) {
        reporter.callbackFailed(t);
      }
      return fallback.schedule(task, delay, unit);
    };
  }

  /** The network monitor, with failures reported and {@code stop()} only after {@code start()}, once. */
  public static final class Monitor {
    private final NetworkMonitor monitor;
    private final Reporter reporter;
    private boolean started;

    public Monitor(NetworkMonitor monitor, Reporter reporter) {
      this.monitor = monitor;
      this.reporter = reporter;
    }

    public boolean isAvailable() {
      try {
        return monitor.isAvailable();
      } catch (Throwable t) {
        reporter.callbackFailed(t);
        return true;
      }
    }

    public void start(NetworkMonitor.Listener listener) {
      if (started) return;
      started = true;
      try {
        monitor.start(listener);
      } catch (Throwable t) {
        reporter.callbackFailed(t);
      }
    }

    public void stop() {
      if (!started) return;
      started = false;
      try {
        monitor.stop();
      } catch (Throwable t) {
        reporter.callbackFailed(t);
      }
    }
  }

  /** Runs {@code task} on {@code executor}; false (and reported) if the executor refused or threw. */
  public static boolean execute(Executor executor, Runnable task, Reporter reporter) {
    try {
      executor.execute(task);
      return true;
    } catch (Throwable t) {
      reporter.callbackFailed(t);
      return false;
    }
  }

  private static void once(AtomicBoolean reported, Reporter reporter, Throwable t) {
    if (reported.compareAndSet(false, true)) reporter.callbackFailed(t);
  }
}
