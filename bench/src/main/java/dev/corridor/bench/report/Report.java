package dev.corridor.bench.report;

import dev.corridor.bench.OutboxFootprint;
import dev.corridor.bench.herd.ReconnectHerd;
import dev.corridor.bench.wire.EndToEnd;
import dev.corridor.bench.wire.HttpSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/** Everything one run measured, printed as text and, for the full run, written as docs/benchmarks.md. */
public final class Report {
  final List<EndToEnd.Row> endToEnd;
  final List<EndToEnd.Row> okHttpDefaults;
  final List<ReconnectHerd.Result> herdSimulated;
  final List<ReconnectHerd.Result> herdReal;
  final List<OutboxFootprint.Result> outbox;
  final List<Micro.Figure> micro;
  final String command;

  public Report(List<EndToEnd.Row> endToEnd, List<EndToEnd.Row> okHttpDefaults,
      List<ReconnectHerd.Result> herdSimulated, List<ReconnectHerd.Result> herdReal,
      List<OutboxFootprint.Result> outbox, List<Micro.Figure> micro, String command) {
    this.endToEnd = endToEnd;
    this.okHttpDefaults = okHttpDefaults;
    this.herdSimulated = herdSimulated;
    this.herdReal = herdReal;
    this.outbox = outbox;
    this.micro = micro;
    this.command = command;
  }

  /** The tables, as Markdown (which also reads well in a terminal). */
  public void printTables(PrintStream out) {
    out.println("### End to end: Corridor against raw OkHttp, same run, same server");
    out.println();
    EndToEnd.print(endToEnd, out);
    if (!okHttpDefaults.isEmpty()) {
      out.println();
      out.println("### The same, both sides with OkHttp's default settings");
      out.println();
      EndToEnd.print(okHttpDefaults, out);
    }
    printHerd(out, "Reconnect herd, virtual time", herdSimulated);
    printHerd(out, "Reconnect herd, real sockets against the reference server", herdReal);
    if (!outbox.isEmpty()) {
      tableHeading(out, "Outbox at its byte bound (8 MiB, client never connected)",
          "payload", "messages held", "bytes charged", "heap held", "heap per charged byte", "heap per message");
      for (OutboxFootprint.Result r : outbox) {
        out.printf(Locale.ROOT, "| %d B | %,d | %,d | %,d | %.2f | %.0f B |%n", r.payloadBytes(), r.messages(),
            r.chargedBytes(), r.heapBytes(), r.heapPerChargedByte(), r.heapPerMessage());
      }
    }
    if (!micro.isEmpty()) {
      tableHeading(out, "Micro-benchmarks (JMH, `-prof gc`)",
          "benchmark", "parameters", "score", "unit", "allocated per op");
      for (Micro.Figure f : micro) {
        out.printf(Locale.ROOT, "| %s | %s | %s ± %s | %s | %.0f B |%n", f.benchmark(), f.params(),
            number(f.score()), number(f.error()), f.unit(), f.bytesPerOp());
      }
    }
  }

  private static void printHerd(PrintStream out, String title, List<ReconnectHerd.Result> results) {
    if (results.isEmpty()) return;
    ReconnectHerd.Result first = results.get(0);
    tableHeading(out, String.format(Locale.ROOT, "%s: %,d clients, server away %.0f s", title,
        first.clients(), first.downMillis() / 1000.0),
        "policy", "peak attempts in 1 s after the return", "attempts per client", "99 % connected after the drop", "target");
    for (ReconnectHerd.Result r : results) {
      boolean isDefault = r.policy().startsWith("default");
      boolean met = r.peakShare() <= 0.20 && r.millisTo99Percent() >= 0 && r.millisTo99Percent() <= 45_000;
      out.printf(Locale.ROOT, "| %s | %,d (%.0f %% of N) | %.2f | %s | %s |%n", r.policy(),
          r.peakPerSecondAfterReturn(), 100 * r.peakShare(), r.attemptsPerClient(),
          r.millisTo99Percent() < 0 ? "not reached" : String.format(Locale.ROOT, "%.1f s", r.millisTo99Percent() / 1000.0),
          isDefault ? "≤ 20 % of N per s, 99 % within 45 s" + (met ? " ✔" : " ✘ missed") : "–");
    }
  }

  /** A level-3 heading and the head of a Markdown table with these columns. */
  private static void tableHeading(PrintStream out, String title, String... columns) {
    out.println();
    out.println("### " + title);
    out.println();
    out.println("| " + String.join(" | ", columns) + " |");
    out.println("|" + "---|".repeat(columns.length));
  }

  private static String number(double v) {
    if (Double.isNaN(v)) return "n/a";
    if (Math.abs(v) >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Writes {@code docs/benchmarks.md} and its plots under {@code docs/benchmarks/}. */
  public void write(Path docs) throws IOException {
    Path images = docs.resolve("benchmarks");
    Files.createDirectories(images);
    System.setProperty("java.awt.headless", "true");
    Plots.bars(images.resolve("throughput.png"), "Throughput, messages/s (median of runs)", "messages/s",
        endToEnd, r -> r.figure().equals("messages/s"), 1);
    Plots.bars(images.resolve("latency.png"), "Request/response round trip and connect time (median of runs)", "µs",
        endToEnd, r -> r.figure().startsWith("round trip") || r.figure().startsWith("connect"), 1);
    Plots.herd(images.resolve("herd-simulated.png"), "Reconnect herd in virtual time ("
        + (herdSimulated.isEmpty() ? 0 : herdSimulated.get(0).clients()) + " clients): attempts per 100 ms",
        herdSimulated, 45);
    if (!herdReal.isEmpty()) {
      Plots.herd(images.resolve("herd-real.png"), "Reconnect herd over real sockets ("
          + herdReal.get(0).clients() + " clients, reference server restarted): attempts per 100 ms", herdReal, 45);
    }
    ByteArrayOutputStream tables = new ByteArrayOutputStream();
    try (PrintStream p = new PrintStream(tables, true, StandardCharsets.UTF_8)) {
      printTables(p);
    }
    String md = "# Benchmarks\n\n"
        + "Measured " + LocalDate.now(ZoneOffset.UTC) + " by `" + command + "` (bench/README.md). "
        + "Regenerate with the same command; the numbers below are that run's, not edited.\n\n"
        + "## Machine\n\n" + machine() + "\n"
        + "## Method\n\n" + METHOD + "\n"
        + tables.toString(StandardCharsets.UTF_8) + "\n"
        + "## Plots\n\n"
        + "![Throughput](benchmarks/throughput.png)\n\n"
        + "![Latency](benchmarks/latency.png)\n\n"
        + "![Reconnect herd, virtual time](benchmarks/herd-simulated.png)\n\n"
        + (herdReal.isEmpty() ? "" : "![Reconnect herd, real sockets](benchmarks/herd-real.png)\n\n")
        + "## Reading the results\n\n"
        + "What was profiled and changed where a target was missed, with before and after figures, "
        + "and what is still missed and why: [benchmarks-notes.md](benchmarks-notes.md).\n";
    // The scale-out run writes its own section (ScaleRun --docs); a full report keeps it.
    String scale = dev.corridor.bench.scale.ScaleRun.existingSection(docs.resolve("benchmarks.md"));
    Files.writeString(docs.resolve("benchmarks.md"), scale.isEmpty() ? md : md + "\n" + scale);
  }

  static String machine() {
    Runtime rt = Runtime.getRuntime();
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the OS line below still says what it is
    }
    return "- CPU: " + cpu + ", " + rt.availableProcessors() + " cores available to the JVM (shared machine)\n"
        + "- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch") + "\n"
        + "- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + ", max heap " + (rt.maxMemory() >> 20) + " MiB, flags: " + flags() + "\n"
        + "- OkHttp settings, both sides: " + HttpSettings.REAL_TIME.description() + "\n";
  }

  private static String flags() {
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    return args.isEmpty() ? "none (JVM defaults)" : String.join(" ", args);
  }

  private static final String METHOD = """
      - **End to end.** One loopback WebSocket server (`BlastServer`) in a JVM of its own, the
        same for both sides: blocking sockets, a thread per connection, feeds written from a
        pre-encoded frame with the sequence patched in place (a copy and five bytes per message),
        so pushing a message costs it almost nothing; its CPU share is in the tables ("server CPU",
        of one core). The baseline is what an application would write on OkHttp alone with the
        same protobuf envelopes: parse every `Deliver` and read its fields; encode a `Publish` per
        message and `send` it (pausing while OkHttp's queue is above 1 MiB); a plain echo for
        round trips; `newWebSocket` to `onOpen` for connect time. Corridor runs with its
        defaults: a RELIABLE subscription (sequence checks, duplicate and gap detection,
        cumulative acknowledgements, the bounded queue and the hop to the callback executor),
        `request`, acknowledged and best-effort `send` (at most 4,096 outstanding), `connect` to
        CONNECTED (after Hello/Welcome). Neither side copies payloads out of the message it
        receives (`ByteString.size()` / `Message.payloadSize()`).
      - **Pairs.** Each measurement runs warm-up runs of both sides, then alternates which side
        goes first over the measured runs; the tables give median, minimum and maximum per side
        and the ratio of the medians. Runs share one JVM, so both sides run with the same JIT
        state and flags.
      - **Allocation per message** is the difference of HotSpot's per-thread allocation counters
        over the run, divided by the messages: every thread of the client JVM, nothing sampled.
      - **Idle connection heap** is the heap in use after full collections with N connections
        open, minus before, divided by N.
      - **Reconnect herd.** Virtual time: the SDK's real connection machine, retry planner and
        backoff per client, a fake server that drops everyone and refuses connections for 10 s.
        Real: N real clients against the sample's reference server (Jetty), which is stopped,
        kept closed 10 s and started again on the same port; attempts counted from the SDK's
        `EventListener.attemptStarted`. Peak = most attempts in any 1 s window after the server
        returned; 99 % = time from the drop until 99 % are CONNECTED again.
      - **OkHttp settings.** Both sides use one OkHttp client: no read/write timeouts and
        `TCP_NODELAY`, the settings of Corridor's own default client, and a dispatcher without
        its 64-call limit (OkHttp counts an open WebSocket as a running call). The second table
        repeats two measurements with OkHttp's defaults on both sides.
      """;
}
