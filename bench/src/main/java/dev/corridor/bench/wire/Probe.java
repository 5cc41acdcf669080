package dev.corridor.bench.wire;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Bytes allocated by all threads of this JVM, its CPU time, and the server's, between {@link #start}
 * and {@link #stop}. Allocation is read from HotSpot's per-thread counters: exact, free, and
 * unaffected by GC timing; a thread that ends during the window is not counted, so trials stop
 * the probe before they close their sockets.
 */
final class Probe {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final ServerProcess server;
  private final Map<Long, Long> allocatedAtStart = new HashMap<>();
  private long serverCpuAtStart;
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long startNanos;
  private long clientCpuAtStart;
  long allocated;
  double serverCpuShare;
  /** CPU time of this whole JVM (every thread, GC included) during the window. */
  long clientCpuNanos;

  Probe(ServerProcess server) {
    this.server = server;
  }

  void start() {
    allocatedAtStart.clear();
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    for (int i = 0; i < ids.length; i++) allocatedAtStart.put(ids[i], Math.max(0, bytes[i]));
    serverCpuAtStart = server.cpuNanos();
    clientCpuAtStart = OS.getProcessCpuTime();
    startNanos = System.nanoTime();
  }

  void stop() {
    long wall = System.nanoTime() - startNanos;
    clientCpuNanos = OS.getProcessCpuTime() - clientCpuAtStart;
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    long sum = 0;
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] > 0) sum += bytes[i] - allocatedAtStart.getOrDefault(ids[i], 0L);
    }
    allocated = sum;
    long cpu = server.cpuNanos();
    serverCpuShare = cpu < 0 || serverCpuAtStart < 0 ? Double.NaN : (double) (cpu - serverCpuAtStart) / wall;
  }
}
