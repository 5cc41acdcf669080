package dev.corridor.sample.ticker;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The ticker without a full-screen terminal (output not a TTY, or {@code --plain}): one status line
 * per second, each preceded by the notable events since the last one (as {@code # } lines, so a
 * script can skip them), then the run's {@link TickerSummary} as text or JSON.
 *
 * <pre>
 * CONNECTED  rtt 12ms  msgs/s 120  reconnects 0  outbox 0  rejected 0  |  AAPL 189.25  MSFT 410.10
 * # chaos: killed a connection (no close frame)
 * WAITING_TO_RETRY (retry in 1.2s)  rtt -  msgs/s -  reconnects 0  outbox 2  rejected 0  |  AAPL 189.25  MSFT -
 * </pre>
 *
 * The status fields are the full screen's, in the same order ({@link StatusLine}).
 *
 * <p><b>Thread:</b> {@link #start()} prints from a daemon thread ({@code ticker-report});
 * {@link #printLine()} and {@link #printSummary(boolean)} print on the caller's thread. Lines are
 * written whole, so they do not interleave.
 */
public final class PlainReporter implements AutoCloseable {
  private final TickerModel model;
  private final PrintStream out;
  /** Events already printed; touched only by the printing thread. */
  private long eventsPrinted;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ticker-report");
    t.setDaemon(true);
    return t;
  });

  /** A reporter printing {@code model}'s status and summary to {@code out}. Prints nothing yet. */
  public PlainReporter(TickerModel model, PrintStream out) {
    this.model = model;
    this.out = out;
  }

  /** The status line for {@code view}, without a line break. */
  public static String statusLine(TickerView view) {
    StringBuilder s = new StringBuilder(StatusLine.plain(view));
    if (!view.summary().ok()) {
      s.append("  APP CHECK: ").append(view.summary().appDuplicates()).append(" duplicates, ")
          .append(view.summary().appGaps()).append(" gaps");
    }
    if (!view.rows().isEmpty()) {
      s.append("  |");
      for (SymbolRow r : view.rows()) {
        s.append("  ").append(r.symbol()).append(' ').append(r.hasQuote() ? Fmt.price(r.lastMicros()) : "-");
      }
    }
    return s.toString();
  }

  /** Starts printing a status line every second, the first one now. Call once. */
  public void start() {
    timer.scheduleAtFixedRate(this::printLine, 0, 1, TimeUnit.SECONDS);
  }

  /** Prints the events since the last line, then one status line, now. */
  public void printLine() {
    try {
      TickerModel.Events events = model.eventsAfter(eventsPrinted);
      long missed = events.count() - eventsPrinted - events.events().size();
      eventsPrinted = events.count();
      String line = statusLine(model.view());
      synchronized (out) {
        if (missed > 0) out.println("# (" + missed + " more events)");
        for (String e : events.events()) out.println("# " + e);
        out.println(line);
        out.flush();
      }
    } catch (RuntimeException e) {
      // Keep the timer alive.
    }
  }

  /** Stops the periodic lines. Idempotent. */
  public void stop() {
    timer.shutdownNow();
    try {
      // A line being printed right now finishes before the summary that follows.
      timer.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Prints the summary: {@link TickerSummary#toJson()} on one line, or its text block. */
  public void printSummary(boolean json) {
    TickerSummary summary = model.summary();
    synchronized (out) {
      if (json) out.println(summary.toJson());
      else out.print(summary.toText());
      out.flush();
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }
}
