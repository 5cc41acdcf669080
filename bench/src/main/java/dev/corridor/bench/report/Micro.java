package dev.corridor.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH micro-benchmarks with the GC profiler and keeps score and allocation per operation. */
public final class Micro {
  /** One benchmark with one set of parameters. */
  public record Figure(String benchmark, String params, double score, double error, String unit,
      double bytesPerOp) {}

  private Micro() {}

  public static List<Figure> run(int forks, int warmups, int iterations) throws Exception {
    Options options = new OptionsBuilder()
        .include("dev\\.corridor\\.bench\\.(Codec|Outbox|InboundPath)Benchmark\\.")
        .addProfiler(GCProfiler.class)
        .forks(forks)
        .warmupIterations(warmups)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.seconds(1))
        .timeout(TimeValue.minutes(2))
        .build();
    List<Figure> out = new ArrayList<>();
    for (RunResult r : new Runner(options).run()) {
      String name = r.getParams().getBenchmark().replace("dev.corridor.bench.", "");
      String params = r.getParams().getParamsKeys().stream()
          .map(k -> k + "=" + r.getParams().getParam(k)).collect(Collectors.joining(", "));
      Result<?> primary = r.getPrimaryResult();
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      out.add(new Figure(name, params, primary.getScore(), primary.getScoreError(),
          primary.getScoreUnit(), alloc == null ? Double.NaN : alloc.getScore()));
    }
    return out;
  }
}
