package dev.corridor.bench.report;

import dev.corridor.bench.herd.ReconnectHerd;
import dev.corridor.bench.wire.EndToEnd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG plots, drawn with XChart. */
final class Plots {
  private Plots() {}

  /** Grouped bars, raw OkHttp beside Corridor, of the median of {@code figure} per measurement. */
  static void bars(Path file, String title, String yTitle, List<EndToEnd.Row> rows,
      Predicate<EndToEnd.Row> which, double scale) throws IOException {
    List<String> names = new ArrayList<>();
    List<Double> raw = new ArrayList<>();
    List<Double> corridor = new ArrayList<>();
    for (EndToEnd.Row r : rows) {
      if (!which.test(r)) continue;
      names.add(r.measurement().replace("request/response, 32 B", "").trim() + (r.figure().startsWith("round trip") || r.figure().startsWith("connect") ? " " + r.figure() : ""));
      raw.add(r.baselineMedian() / scale);
      corridor.add(r.corridorMedian() / scale);
    }
    if (names.isEmpty()) return;
    CategoryChart chart = new CategoryChartBuilder().width(900).height(420).title(title)
        .yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setXAxisLabelRotation(20);
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    chart.addSeries("raw OkHttp", names, raw);
    chart.addSeries("Corridor", names, corridor);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Attempts per 100 ms after the drop, one line per policy, the server's return marked. */
  static void herd(Path file, String title, List<ReconnectHerd.Result> results, double untilSeconds)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(420).title(title)
        .xAxisTitle("seconds after the drop").yAxisTitle("connection attempts per 100 ms").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setXAxisMax(untilSeconds);
    for (ReconnectHerd.Result r : results) {
      long[] buckets = r.attemptsPer100ms();
      int n = (int) Math.min(buckets.length, Math.round(untilSeconds * 10));
      double[] x = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = i / 10.0;
        y[i] = buckets[i];
      }
      chart.addSeries(r.policy(), x, y).setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
