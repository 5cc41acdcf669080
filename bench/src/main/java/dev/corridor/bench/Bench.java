package dev.corridor.bench;

import dev.corridor.ExponentialBackoff;
import dev.corridor.bench.herd.ReconnectHerd;
import dev.corridor.bench.herd.RealHerd;
import dev.corridor.bench.report.Micro;
import dev.corridor.bench.report.Report;
import dev.corridor.bench.wire.EndToEnd;
import dev.corridor.bench.wire.HttpSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark report (bench/README.md). {@code --quick} (the default, a few minutes) prints the
 * tables; {@code --full} measures longer, adds the JMH micro-benchmarks, the real-socket herd and
 * the OkHttp-defaults comparison, and writes docs/benchmarks.md with its plots.
 * {@code --only=TEXT} restricts the end-to-end part to measurements whose name contains TEXT.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    boolean full = List.of(args).contains("--full");
    String only = option(args, "--only=", "");
    long start = System.nanoTime();
    EndToEnd.Plan plan = full ? EndToEnd.Plan.FULL : EndToEnd.Plan.QUICK;
    log("end to end (" + (full ? "full" : "quick") + "): raw OkHttp and Corridor, alternating");
    List<EndToEnd.Row> rows = EndToEnd.run(plan, HttpSettings.REAL_TIME, only, Bench::log);
    List<EndToEnd.Row> defaults = new ArrayList<>();
    if (full && only.isEmpty()) {
      log("end to end with OkHttp's default settings on both sides");
      for (String m : List.of("inbound feed, 32 B", "request/response")) {
        for (EndToEnd.Row r : EndToEnd.run(plan, HttpSettings.OKHTTP_DEFAULTS, m, Bench::log)) {
          defaults.add(new EndToEnd.Row(r.measurement(), r.figure(), r.baseline(), r.corridor(), "", null));
        }
      }
    }
    List<ReconnectHerd.Result> simulated = List.of();
    List<ReconnectHerd.Result> real = new ArrayList<>();
    List<OutboxFootprint.Result> outbox = new ArrayList<>();
    List<Micro.Figure> micro = List.of();
    if (only.isEmpty()) {
      log("reconnect herd, virtual time, 2,000 clients");
      simulated = ReconnectHerd.simulateAll(2_000);
      log("outbox at its byte bound");
      for (int size : new int[] {64, 512}) outbox.add(OutboxFootprint.measure(size, 8L << 20));
      if (full) {
        log("reconnect herd, real sockets, 300 clients (about 80 s)");
        real.add(RealHerd.run(300, "default (jitter 0.8)", ExponentialBackoff.DEFAULT, 10_000));
        real.add(RealHerd.run(300, "no jitter", ExponentialBackoff.builder().jitter(0).build(), 10_000));
        real.add(RealHerd.run(300, "+/-20 % jitter", ReconnectHerd.symmetricJitter(0.2), 10_000));
        log("JMH micro-benchmarks with -prof gc (a few minutes)");
        micro = Micro.run(1, 3, 5);
      }
    }
    Report report = new Report(rows, defaults, simulated, real, outbox, micro,
        "java -jar bench/target/corridor-bench.jar " + String.join(" ", args));
    System.out.println();
    report.printTables(System.out);
    if (full && only.isEmpty()) {
      Path docs = Path.of(option(args, "--docs=", "docs"));
      report.write(docs);
      log("wrote " + docs.resolve("benchmarks.md") + " and its plots");
    }
    log(String.format(Locale.ROOT, "done in %.0f s", (System.nanoTime() - start) / 1e9));
    System.exit(0); // the end-to-end clients' OkHttp threads would otherwise linger for a minute
  }

  private static void log(String line) {
    System.err.println("[bench] " + line);
  }

  private static String option(String[] args, String prefix, String fallback) {
    for (String a : args) if (a.startsWith(prefix)) return a.substring(prefix.length());
    return fallback;
  }
}
