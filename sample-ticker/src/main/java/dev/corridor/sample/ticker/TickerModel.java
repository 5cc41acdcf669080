package dev.corridor.sample.ticker;

import dev.corridor.ClientStats;
import dev.corridor.ConnectionState;
import dev.corridor.Discontinuity;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import dev.corridor.sample.Topics;
import dev.corridor.sample.proto.PriceAlert;
import dev.corridor.sample.proto.Quote;
import dev.corridor.sample.proto.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What the ticker shows, fed by the SDK's callbacks (through {@link TickerClient}) and read by the
 * renderers as an immutable {@link TickerView} taken with {@link #view()}. It holds one lock and
 * delegates to single-purpose parts: {@link SymbolBook} (quotes and the trades check),
 * {@link AlertBoard} (alerts), {@link LinkStatus} (connection state and counters) and
 * {@link ModelEvents} (notable events).
 *
 * <p>The application-level trades check ({@link SymbolBook}) must see no duplicate and no
 * unannounced gap; the end-to-end test checks it through {@link TickerSummary#appDuplicates()} and
 * {@link TickerSummary#appGaps()}.
 *
 * <p><b>Thread:</b> thread-safe; every method may be called from any thread (SDK callback
 * executors, the stats poller, the UI) and holds the model's lock only briefly.
 */
public final class TickerModel {
  /** Prices kept per symbol for the sparkline. */
  public static final int HISTORY = 20;

  private final Object lock = new Object();
  // Everything below is guarded by lock.
  private final SymbolBook symbols = new SymbolBook();
  private final AlertBoard alerts = new AlertBoard();
  private final LinkStatus link;
  private final ModelEvents events = new ModelEvents();
  private long received;
  private long replays;
  private long discontinuities;
  private @Nullable String focused;

  /** A model on the system's monotonic clock. */
  public TickerModel() {
    this(() -> System.nanoTime() / 1_000_000L);
  }

  /**
   * A model reading time (for the retry countdown and messages/s) from {@code monotonicMillis},
   * e.g. a fake clock in tests.
   */
  public TickerModel(LongSupplier monotonicMillis) {
    this.link = new LinkStatus(monotonicMillis);
  }

  // ---------------------------------------------------------------- symbols

  /** Adds a row for {@code symbol}; false if it is already shown. */
  public boolean addSymbol(String symbol) {
    synchronized (lock) {
      return symbols.add(symbol);
    }
  }

  /** Removes the row of {@code symbol}, forgetting its quotes and trades check; false if absent. */
  public boolean removeSymbol(String symbol) {
    synchronized (lock) {
      if (symbol.equals(focused)) focused = null;
      return symbols.remove(symbol);
    }
  }

  /** The shown symbols, in the order they were added. */
  public List<String> symbols() {
    synchronized (lock) {
      return symbols.symbols();
    }
  }

  /** Records that the user focused {@code symbol} (a FocusIntent was sent). */
  public void focus(@Nullable String symbol) {
    synchronized (lock) {
      focused = symbol;
    }
  }

  /**
   * The server refused {@code symbol}'s topics (e.g. {@code UNKNOWN_TOPIC}: the feed does not
   * publish it) and the row was removed; {@code reason} is the server's message.
   */
  public void onSymbolRefused(String symbol, String reason) {
    synchronized (lock) {
      events.add(symbol + " not added: " + reason);
    }
  }

  /** The server refused the subscription to {@code topic} (not a symbol's: those are above). */
  public void onSubscriptionRefused(String topic, String errorCode, String message) {
    synchronized (lock) {
      events.add("subscription to " + topic + " refused: " + errorCode
          + (message.isEmpty() ? "" : " (" + message + ")"));
    }
  }

  // ---------------------------------------------------------------- market data

  /**
   * A quote delivered on {@code quotes.<SYM>}. Counted as received; applied unless it is older
   * than the quote already shown (by {@code time_ms}). Quotes for symbols not shown are ignored.
   */
  public void onQuote(Quote quote, boolean replay) {
    synchronized (lock) {
      countDelivery(replay);
      symbols.applyQuote(quote);
    }
  }

  /** A snapshot answer: each quote is applied as in {@link #onQuote}, without counting it received. */
  public void onSnapshot(Snapshot snapshot) {
    synchronized (lock) {
      List<String> names = new ArrayList<>();
      for (Quote q : snapshot.getQuotesList()) {
        symbols.applyQuote(q);
        names.add(q.getSymbol());
      }
      events.add("resynchronised " + String.join(" ", names) + " from a snapshot");
    }
  }

  /** A snapshot request failed; the LATEST quotes will catch up on their own. */
  public void onSnapshotFailed(String reason) {
    synchronized (lock) {
      events.add("snapshot failed: " + reason);
    }
  }

  /**
   * A trade delivered on the RELIABLE {@code trades.<symbol>} topic at ({@code epoch},
   * {@code sequence}): runs the application-level sequence check.
   */
  public void onTrade(String symbol, long epoch, long sequence, boolean replay) {
    synchronized (lock) {
      countDelivery(replay);
      String problem = symbols.onTrade(symbol, epoch, sequence);
      if (problem != null) events.add(problem);
    }
  }

  /**
   * A {@link Discontinuity} reported to one of the listeners. Counted; on a {@code trades.<SYM>}
   * topic the sequence check of that symbol restarts from the next trade.
   */
  public void onDiscontinuity(Discontinuity discontinuity) {
    synchronized (lock) {
      discontinuities++;
      String topic = discontinuity.topic();
      events.add("discontinuity on " + topic + " (" + discontinuity.reason() + ")");
      if (topic.startsWith(Topics.TRADES_PREFIX)) symbols.onTradesDiscontinuity(Topics.symbolOf(topic));
    }
  }

  private void countDelivery(boolean replay) {
    received++;
    if (replay) replays++;
  }

  // ---------------------------------------------------------------- alerts

  /**
   * Records a new edit of alert {@code id}, now {@link AlertStatus#PENDING}.
   *
   * @return the edit's revision, to pass to {@link #alertEnded}
   */
  public int alertSent(String id, String symbol, PriceAlert.Direction direction, long thresholdMicros) {
    synchronized (lock) {
      return alerts.sent(id, symbol, direction, thresholdMicros);
    }
  }

  /** Records how revision {@code revision} of alert {@code id} ended. */
  public void alertEnded(String id, int revision, SendResult result) {
    synchronized (lock) {
      String event = alerts.ended(id, revision, result);
      if (event != null) events.add(event);
    }
  }

  /** The server reported alert {@code id} triggered at {@code priceMicros}. */
  public void onAlertTriggered(String id, String symbol, long priceMicros, boolean replay) {
    synchronized (lock) {
      countDelivery(replay);
      events.add(alerts.triggered(id, symbol, priceMicros));
    }
  }

  // ---------------------------------------------------------------- connection and events

  /** A state change of the client. */
  public void onStateChange(StateChange change) {
    synchronized (lock) {
      link.onStateChange(change);
      String why = retryExplanation(change);
      if (why != null) events.add(why);
    }
  }

  /**
   * What a wait to retry means, for the event line: a lost link is retried at once (jittered);
   * failed attempts settle into a cadence of about one per 6 s, and one per 30 s after two minutes.
   */
  static @Nullable String retryExplanation(StateChange change) {
    if (change.current() != ConnectionState.WAITING_TO_RETRY || change.retryDelayMillis() < 0) return null;
    String in = Fmt.seconds(change.retryDelayMillis());
    String error = change.error() == null ? "" : ": " + change.error().getMessage();
    if (change.previous() == ConnectionState.CONNECTED) return "link lost" + error + "; reconnecting in " + in;
    if (change.previous() == ConnectionState.CONNECTING) {
      return "attempt failed" + error + "; next in " + in
          + " (while failures go on: about one try per 6 s, per 30 s after 2 min)";
    }
    return null;
  }

  /** Whether the network is simulated down (see {@link SwitchableNetwork}). */
  public void setNetworkDown(boolean down) {
    synchronized (lock) {
      link.setNetworkDown(down);
    }
  }

  /** A fresh stats snapshot of the client; see {@link StatsSample#of(ClientStats)}. */
  public void onStats(ClientStats clientStats) {
    onStats(StatsSample.of(clientStats));
  }

  /** A fresh sample of the client's counters. */
  public void onStats(StatsSample sample) {
    synchronized (lock) {
      link.onStats(sample);
    }
  }

  /** A notable event from outside the client, e.g. a line of the chaos controller's log. */
  public void note(String event) {
    synchronized (lock) {
      events.add(event);
    }
  }

  /**
   * Events recorded so far ({@code count}) and those after the first {@code seen}, oldest first
   * ({@code events}: at most the newest {@value ModelEvents#KEPT}, so {@code count - seen} may be
   * more than their number).
   */
  public record Events(long count, List<String> events) {
    public Events {
      events = List.copyOf(events);
    }
  }

  /** Events recorded so far. */
  public long eventCount() {
    synchronized (lock) {
      return events.count();
    }
  }

  /** The events after the first {@code seen}; see {@link Events}. */
  public Events eventsAfter(long seen) {
    synchronized (lock) {
      return new Events(events.count(), events.after(seen));
    }
  }

  // ---------------------------------------------------------------- views

  /** An immutable picture of everything the renderers show, taken now. */
  public TickerView view() {
    synchronized (lock) {
      StatsSample stats = link.stats();
      return new TickerView(link.state(), link.detail(), link.retryInMillis(), link.networkDown(),
          link.currentRttNanos(), link.currentMessagesPerSecond(), stats.reconnects(),
          stats.outboxMessages(), link.drops(), symbols.rows(), alerts.rows(), focused,
          events.last(), events.count(), summaryLocked());
    }
  }

  /** The run's totals; also in {@link TickerView#summary()}. */
  public TickerSummary summary() {
    synchronized (lock) {
      return summaryLocked();
    }
  }

  private TickerSummary summaryLocked() {
    StatsSample stats = link.stats();
    return new TickerSummary(received, symbols.trades, stats.duplicatesDropped(), stats.gapsDetected(),
        replays, discontinuities, stats.reconnects(), alerts.sent, alerts.acked, alerts.superseded,
        alerts.expired, alerts.rejected, symbols.appDuplicates, symbols.appGaps);
  }
}
