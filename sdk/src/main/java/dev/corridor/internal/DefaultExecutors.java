package dev.corridor.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide pool behind the default callback and token executors: daemon threads, created
 * on demand, retired after 60 s idle. Shared by every client, so idle clients cost no threads.
 */
public final class DefaultExecutors {
  private DefaultExecutors() {}

  private static final class Holder {
    static final ExecutorService POOL = create();

    private static ExecutorService create() {
      AtomicInteger n = new AtomicInteger();
      return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
          new SynchronousQueue<Runnable>(), r -> {
            Thread t = new Thread(r, "corridor-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
    }
  }

  public static ExecutorService pool() {
    return Holder.POOL;
  }
}
