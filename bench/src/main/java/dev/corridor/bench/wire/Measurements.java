package dev.corridor.bench.wire;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Helpers shared by both sides: percentiles, retained heap, bounded waits. */
public final class Measurements {
  private Measurements() {}

  /** p50, p99 and p99.9 (nearest rank) of {@code nanos}, in microseconds, under {@code prefix}. */
  static Map<String, Double> percentilesMicros(long[] nanos, String prefix, double... quantiles) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    Map<String, Double> out = new LinkedHashMap<>();
    for (double q : quantiles) {
      int rank = (int) Math.ceil(q * sorted.length) - 1;
      out.put(prefix + " p" + label(q), sorted[Math.max(0, rank)] / 1_000.0);
    }
    return out;
  }

  private static String label(double q) {
    double percent = q * 100;
    return percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
  }

  /** Heap in use after collections have settled: the smallest of a few full collections. */
  public static long settledHeap() throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  static void await(CountDownLatch latch, long seconds, String what) throws Exception {
    if (!latch.await(seconds, TimeUnit.SECONDS)) throw new TimeoutException(what + " did not happen within " + seconds + " s");
  }
}
