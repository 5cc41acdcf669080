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
  private long startNanos;
  long allocated;
  double serverCpuShare;
  /**
   * CPU time of this JVM's Java threads during the window: the client's own threads (readers,
   * pools, OkHttp's) and the measuring thread, not the JIT compiler's or the collector's, which in
   * runs of a few seconds would mostly measure how much code was still being compiled.
   */
  long clientCpuNanos;
  private final Map<Long, Long> cpuAtStart = new HashMap<>();

  Probe(ServerProcess server) {
    this.server = server;
  }

  void start() {
    allocatedAtStart.clear();
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    for (int i = 0; i < ids.length; i++) allocatedAtStart.put(ids[i], Math.max(0, bytes[i]));
    serverCpuAtStart = server.cpuNanos();
    cpuAtStart.clear();
    for (long id : THREADS.getAllThreadIds()) cpuAtStart.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
    startNanos = System.nanoTime();
  }

  void stop() {
    long wall = System.nanoTime() - startNanos;
    long cpu = 0;
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadCpuTime(id);
      if (t > 0) cpu += t - cpuAtStart.getOrDefault(id, 0L);
    }
    clientCpuNanos = cpu;
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    long sum = 0;
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] > 0) sum += bytes[i] - allocatedAtStart.getOrDefault(ids[i], 0L);
    }
    allocated = sum;
    long serverCpu = server.cpuNanos();
    serverCpuShare = serverCpu < 0 || serverCpuAtStart < 0 ? Double.NaN : (double) (serverCpu - serverCpuAtStart) / wall;
  }
}
