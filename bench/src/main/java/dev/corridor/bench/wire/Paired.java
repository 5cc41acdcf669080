package dev.corridor.bench.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a baseline and a Corridor trial of the same measurement side by side: warm-up runs of
 * each, then {@code runs} measured runs that alternate which side goes first, so drift on a
 * shared machine (another tenant, frequency changes, a GC of the other side's garbage) falls on
 * both. A trial returns named figures (messages/s, percentiles, bytes allocated per message ...);
 * each figure's runs are summarized by their median, minimum and maximum.
 */
public final class Paired {
  /** One measured run of one side: figure name to value. */
  public interface Trial {
    Map<String, Double> run() throws Exception;
  }

  /** All runs of both sides, per figure. */
  public record Outcome(String name, Map<String, List<Double>> baseline, Map<String, List<Double>> corridor) {}

  private Paired() {}

  public static Outcome measure(String name, int warmups, int runs, Trial baseline, Trial corridor)
      throws Exception {
    for (int i = 0; i < warmups; i++) {
      baseline.run();
      corridor.run();
    }
    Map<String, List<Double>> b = new LinkedHashMap<>();
    Map<String, List<Double>> c = new LinkedHashMap<>();
    for (int i = 0; i < runs; i++) {
      if (i % 2 == 0) {
        add(b, baseline.run());
        add(c, corridor.run());
      } else {
        add(c, corridor.run());
        add(b, baseline.run());
      }
    }
    return new Outcome(name, b, c);
  }

  private static void add(Map<String, List<Double>> into, Map<String, Double> figures) {
    figures.forEach((k, v) -> into.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
  }

  public static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  public static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  public static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }
}
