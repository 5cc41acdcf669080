package dev.corridor.bench.wire;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The end-to-end comparison: each measurement run side by side for the raw OkHttp baseline and
 * for Corridor ({@link Paired}), against one {@link BlastServer} process, with one OkHttp client
 * configuration for both ({@link HttpSettings}).
 */
public final class EndToEnd {
  /** How much to measure: the quick version for the README, the full one for the report. */
  public record Plan(int warmups, int runs, int inboundCount32, int inboundCount512, int roundTrips,
      int outboundCount, int connects, int idleClients, int pacedCount) {
    public static final Plan QUICK = new Plan(1, 5, 200_000, 60_000, 5_000, 50_000, 50, 50, 100_000);
    public static final Plan FULL = new Plan(2, 7, 1_000_000, 300_000, 100_000, 300_000, 500, 300, 500_000);
  }

  /** The fixed rate of the CPU-per-message measurement. */
  static final int PACED_RATE = 50_000;

  /** One figure of one measurement, both sides, with the target it is held to (if any). */
  public record Row(String measurement, String figure, List<Double> baseline, List<Double> corridor,
      String target, Boolean met) {
    public double baselineMedian() {
      return Paired.median(baseline);
    }

    public double corridorMedian() {
      return Paired.median(corridor);
    }

    public double ratio() {
      return corridorMedian() / baselineMedian();
    }
  }

  private EndToEnd() {}

  /** Runs every measurement of {@code plan}; reports progress to {@code log}. */
  public static List<Row> run(Plan plan, HttpSettings settings, String only, Consumer<String> log) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start()) {
      RawSide raw = new RawSide(settings.client(), server);
      LimitSide limit = new LimitSide(server);
      CorridorSide corridor = new CorridorSide(settings.client(), server, null);
      // Corridor with callbackExecutor(Runnable::run): shows what the hop to the callback executor costs.
      CorridorSide inline = new CorridorSide(settings.client(), server, Runnable::run);
      int w = plan.warmups();
      int r = plan.runs();
      Paired.Outcome latency = measure(only, log, "request/response, 32 B", w, r,
          () -> raw.requestLatency(plan.roundTrips()), () -> corridor.requestLatency(plan.roundTrips()));
      double loopbackRoundTripMicros = latency == null ? Double.NaN
          : Paired.median(latency.baseline().get("round trip p50"));
      addRows(rows, latency, Map.of(
          "round trip p50", Target.plus(10, "µs"),
          "round trip p99", Target.plus(30, "µs")));

      addRows(rows, measure(only, log, "request/response, 32 B, callbacks inline", w, r,
          () -> raw.requestLatency(plan.roundTrips()), () -> inline.requestLatency(plan.roundTrips())), Map.of());

      for (int[] feed : new int[][] {{32, plan.inboundCount32()}, {512, plan.inboundCount512()}}) {
        addRows(rows, measure(only, log, "inbound feed, " + feed[0] + " B", w, r,
            () -> raw.inbound(feed[0], feed[1], 0), () -> corridor.inbound(feed[0], feed[1], 0)), Map.of(
            "messages/s", Target.atLeast(1.0),
            "bytes allocated/msg", feed[0] == 32 ? Target.atMost(200, "B") : Target.NONE));
        // The third side: a minimal frame + protobuf reader of the same stream (LimitSide).
        addRows(rows, measure(only, log, "inbound feed, " + feed[0] + " B, against the limit", w, r,
            () -> limit.inbound(feed[0], feed[1], 0), () -> corridor.inbound(feed[0], feed[1], 0)), Map.of());
      }

      addRows(rows, measure(only, log, "inbound feed, 32 B, callbacks inline", w, r,
          () -> raw.inbound(32, plan.inboundCount32(), 0), () -> inline.inbound(32, plan.inboundCount32(), 0)),
          Map.of());

      addRows(rows, measure(only, log, "inbound feed, 32 B, at 50,000 msg/s", w, r,
          () -> raw.inbound(32, plan.pacedCount(), PACED_RATE),
          () -> corridor.inbound(32, plan.pacedCount(), PACED_RATE)),
          Map.of("client CPU/msg", Target.atMost(1.3)));

      for (int size : new int[] {64, 512}) {
        addRows(rows, measure(only, log, "outbound " + size + " B, acknowledged", w, r,
            () -> raw.outbound(size, plan.outboundCount(), true),
            () -> corridor.outbound(size, plan.outboundCount(), true)),
            Map.of("messages/s", size == 64 ? Target.atLeast(2.0) : Target.NONE));
        addRows(rows, measure(only, log, "outbound " + size + " B, best effort", w, r,
            () -> raw.outbound(size, plan.outboundCount(), false),
            () -> corridor.outbound(size, plan.outboundCount(), false)), Map.of());
      }
      Target oneRoundTrip = Target.plus(loopbackRoundTripMicros,
          "µs (one loopback round trip, the baseline's median echo)");
      addRows(rows, measure(only, log, "connect", w, r,
          () -> raw.connect(plan.connects()), () -> corridor.connect(plan.connects())),
          Map.of("connect p50", oneRoundTrip, "connect p99", oneRoundTrip));
      addRows(rows, measure(only, log, "connect, callbacks inline", w, r,
          () -> raw.connect(plan.connects()), () -> inline.connect(plan.connects())), Map.of());
      // The target above adds a warm loopback round trip; the first exchange on a fresh
      // connection costs more, so this pair gives the baseline the same Hello/Welcome exchange.
      addRows(rows, measure(only, log, "connect, baseline sends Hello and awaits Welcome", w, r,
          () -> raw.connectWithHandshake(plan.connects()), () -> corridor.connect(plan.connects())),
          Map.of("connect p50", Target.plus(50, "µs")));
      addRows(rows, measure(only, log, "idle connection", 0, Math.max(3, r / 2),
          () -> raw.idleHeap(plan.idleClients()), () -> corridor.idleHeap(plan.idleClients())), Map.of());
    }
    return rows;
  }

  /** Runs a measurement unless {@code only} excludes it (a substring of measurement names; empty: all). */
  private static Paired.@Nullable Outcome measure(String only, Consumer<String> log, String name,
      int warmups, int runs, Paired.Trial baseline, Paired.Trial corridor) throws Exception {
    if (!name.contains(only)) return null;
    long start = System.nanoTime();
    Paired.Outcome outcome = Paired.measure(name, warmups, runs, baseline, corridor);
    log.accept(String.format(Locale.ROOT, "%-36s %5.1f s", name, (System.nanoTime() - start) / 1e9));
    return outcome;
  }

  private static void addRows(List<Row> rows, Paired.@Nullable Outcome outcome, Map<String, Target> targets) {
    if (outcome == null) return;
    outcome.corridor().forEach((figure, corridorRuns) -> {
      List<Double> baselineRuns = outcome.baseline().get(figure);
      Target t = targets.get(figure);
      if (t == Target.NONE) t = null;
      rows.add(new Row(outcome.name(), figure, baselineRuns, corridorRuns,
          t == null ? "" : t.description,
          t == null ? null : t.met(Paired.median(baselineRuns), Paired.median(corridorRuns))));
    });
  }

  /** A target relative to the baseline measured in the same run. */
  private record Target(String description, java.util.function.BiPredicate<Double, Double> test) {
    static Target atLeast(double ratio) {
      return new Target("≥ " + ratio + " × baseline", (b, c) -> c >= ratio * b);
    }

    /** No target for this figure (Map.of takes no nulls). */
    static final Target NONE = new Target("", (b, c) -> true);

    /** An absolute bound on Corridor's figure, whatever the baseline's. */
    static Target atMost(double bound, String unit) {
      return new Target("≤ " + String.format(Locale.ROOT, "%.0f", bound) + " " + unit, (b, c) -> c <= bound);
    }

    /** At most {@code ratio} times the baseline (for costs: lower is better). */
    static Target atMost(double ratio) {
      return new Target("≤ " + ratio + " × baseline", (b, c) -> c <= ratio * b);
    }

    static Target plus(double allowance, String unit) {
      return new Target("≤ baseline + " + String.format(Locale.ROOT, "%.0f", allowance) + " " + unit,
          (b, c) -> c <= b + allowance);
    }

    boolean met(double baseline, double corridor) {
      return test.test(baseline, corridor);
    }
  }

  /** Prints {@code rows} as a Markdown table: median [min–max] per side, the ratio, the target. */
  public static void print(List<Row> rows, PrintStream out) {
    out.println("| measurement | figure | raw OkHttp: median [min–max] | Corridor: median [min–max] | Corridor / raw | target |");
    out.println("|---|---|---|---|---|---|");
    for (Row row : rows) {
      out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %s |%n", row.measurement(), row.figure(),
          spread(row.baseline(), row.figure()), spread(row.corridor(), row.figure()), row.ratio(),
          row.target().isEmpty() ? "–" : row.target() + (row.met() ? " ✔" : " ✘ missed"));
    }
  }

  private static String spread(List<Double> runs, String figure) {
    return format(Paired.median(runs), figure) + " [" + format(Paired.min(runs), figure) + "–"
        + format(Paired.max(runs), figure) + "]";
  }

  static String format(double value, String figure) {
    if (Double.isNaN(value)) return "n/a";
    if (figure.equals("server CPU")) return String.format(Locale.ROOT, "%.0f %%", value * 100);
    if (figure.equals("client CPU/msg")) return String.format(Locale.ROOT, "%.2f µs", value);
    if (figure.startsWith("round trip") || figure.startsWith("connect")) {
      return String.format(Locale.ROOT, "%.1f µs", value);
    }
    if (value >= 100_000) return String.format(Locale.ROOT, "%,.0f", value);
    if (value >= 100) return String.format(Locale.ROOT, "%.0f", value);
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
