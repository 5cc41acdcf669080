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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What the ticker shows: quotes, the trades sequence check, alerts, connection status and client
 * counters. Fed by the SDK's callbacks (through {@link TickerClient}) and read by the renderers as
 * an immutable {@link View} taken with {@link #view()}.
 *
 * <p><b>Trades check.</b> For every RELIABLE {@code trades.<SYM>} subscription the model keeps the
 * last (epoch, sequence) handed to the application and counts, at application level, a
 * <em>duplicate</em> for a sequence at or below the last one and a <em>gap</em> for a sequence above
 * last + 1 (or a new epoch) that no {@link Discontinuity} announced. The SDK promises both stay 0;
 * the end-to-end test checks it through {@link Summary#appDuplicates()} and
 * {@link Summary#appGaps()}. The first trade after subscribing, and the first after a
 * discontinuity, only set the baseline.
 *
 * <p><b>Alerts.</b> Each alert id shows its newest edit: {@link #alertSent} opens a new revision
 * in {@link AlertStatus#PENDING}; {@link #alertEnded} with an older revision only counts (an older
 * edit typically ends {@code SUPERSEDED} by the newer one, which keeps its own status).
 *
 * <p><b>Thread:</b> thread-safe; every method may be called from any thread (SDK callback
 * executors, the stats poller, the UI) and holds the model's lock only briefly.
 */
public final class TickerModel {
  /** Prices kept per symbol for the sparkline. */
  public static final int HISTORY = 20;

  /** What became of the newest edit of an alert. */
  public enum AlertStatus {
    /** Sent; the server has not acknowledged it yet (it waits in the outbox while offline). */
    PENDING,
    /** The server acknowledged it. */
    ACKNOWLEDGED,
    /** A newer message with the same key replaced it before it was written. */
    SUPERSEDED,
    /** Its TTL passed before it could be (re)sent. */
    EXPIRED,
    /** The server rejected it (see {@link Alert#detail()}). */
    REJECTED,
    /** It ended OVERFLOW or CLOSED: the outbox was full, or the client closed first. */
    FAILED,
    /** The server reported the alert triggered (an {@code AlertTriggered} arrived). */
    TRIGGERED
  }

  private final LongSupplier clockMillis;
  private final Object lock = new Object();

  // Everything below is guarded by lock.
  private final LinkedHashMap<String, SymbolState> symbols = new LinkedHashMap<>();
  private final LinkedHashMap<String, AlertState> alerts = new LinkedHashMap<>();
  private final ArrayDeque<long[]> rateSamples = new ArrayDeque<>(); // {timeMillis, messagesIn}
  private ConnectionState state = ConnectionState.IDLE;
  private String stateDetail = "";
  private long retryDelayMillis = -1;
  private long stateSetAtMillis;
  private boolean networkDown;
  private StatsSample stats = StatsSample.EMPTY;
  private long received;
  private long trades;
  private long replays;
  private long discontinuities;
  private long appDuplicates;
  private long appGaps;
  private long snapshots;
  private long alertsSent;
  private long alertsAcked;
  private long alertsSuperseded;
  private long alertsExpired;
  private long alertsRejected;
  private long alertsTriggered;
  private @Nullable String focused;
  private @Nullable String lastEvent;

  /** A model on the system's monotonic clock. */
  public TickerModel() {
    this(() -> System.nanoTime() / 1_000_000L);
  }

  /**
   * A model reading time (for the retry countdown and messages/s) from {@code monotonicMillis},
   * e.g. a fake clock in tests.
   */
  public TickerModel(LongSupplier monotonicMillis) {
    this.clockMillis = monotonicMillis;
    this.stateSetAtMillis = monotonicMillis.getAsLong();
  }

  // ---------------------------------------------------------------- symbols

  /** Adds a row for {@code symbol}; false if it is already shown. */
  public boolean addSymbol(String symbol) {
    synchronized (lock) {
      if (symbols.containsKey(symbol)) return false;
      symbols.put(symbol, new SymbolState(symbol));
      return true;
    }
  }

  /** Removes the row of {@code symbol}, forgetting its quotes and trades check; false if absent. */
  public boolean removeSymbol(String symbol) {
    synchronized (lock) {
      if (symbol.equals(focused)) focused = null;
      return symbols.remove(symbol) != null;
    }
  }

  /** The shown symbols, in the order they were added. */
  public List<String> symbols() {
    synchronized (lock) {
      return List.copyOf(symbols.keySet());
    }
  }

  /** Records that the user focused {@code symbol} (a FocusIntent was sent). */
  public void focus(@Nullable String symbol) {
    synchronized (lock) {
      focused = symbol;
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
      applyQuote(quote);
    }
  }

  /** A snapshot answer: each quote is applied as in {@link #onQuote}, without counting it received. */
  public void onSnapshot(Snapshot snapshot) {
    synchronized (lock) {
      snapshots++;
      List<String> names = new ArrayList<>();
      for (Quote q : snapshot.getQuotesList()) {
        applyQuote(q);
        names.add(q.getSymbol());
      }
      lastEvent = "resynchronised " + String.join(" ", names) + " from a snapshot";
    }
  }

  /** A snapshot request failed; the LATEST quotes will catch up on their own. */
  public void onSnapshotFailed(String reason) {
    synchronized (lock) {
      lastEvent = "snapshot failed: " + reason;
    }
  }

  private void applyQuote(Quote q) {
    SymbolState s = symbols.get(q.getSymbol());
    if (s == null) return;
    if (s.quote != null && q.getTimeMs() < s.quote.getTimeMs()) return;
    s.quote = q;
    if (s.history.size() == HISTORY) s.history.removeFirst();
    s.history.addLast(q.getLastMicros());
  }

  /**
   * A trade delivered on the RELIABLE {@code trades.<symbol>} topic at ({@code epoch},
   * {@code sequence}): runs the application-level sequence check.
   */
  public void onTrade(String symbol, long epoch, long sequence, boolean replay) {
    synchronized (lock) {
      countDelivery(replay);
      trades++;
      SymbolState s = symbols.get(symbol);
      if (s == null) return; // a delivery racing an unsubscribe
      s.trades++;
      if (s.awaitingBaseline) {
        s.awaitingBaseline = false;
      } else if (epoch != s.epoch) {
        s.gaps++;
        appGaps++;
        lastEvent = "APP GAP on trades." + symbol + ": epoch " + s.epoch + " -> " + epoch;
      } else if (sequence <= s.lastSequence) {
        s.duplicates++;
        appDuplicates++;
        lastEvent = "APP DUPLICATE on trades." + symbol + ": " + sequence + " after " + s.lastSequence;
        return; // keep the position
      } else if (sequence > s.lastSequence + 1) {
        s.gaps++;
        appGaps++;
        lastEvent = "APP GAP on trades." + symbol + ": " + s.lastSequence + " -> " + sequence;
      }
      s.epoch = epoch;
      s.lastSequence = sequence;
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
      lastEvent = "discontinuity on " + topic + " (" + discontinuity.reason() + ")";
      if (!topic.startsWith("trades.")) return;
      SymbolState s = symbols.get(Topics.symbolOf(topic));
      if (s == null) return;
      s.discontinuities++;
      s.awaitingBaseline = true;
    }
  }

  /** The server refused the subscription to {@code topic}. */
  public void onRejected(String topic, String errorCode) {
    synchronized (lock) {
      lastEvent = "subscription to " + topic + " refused: " + errorCode;
      String symbol = Topics.symbolOf(topic);
      SymbolState s = symbol == null ? null : symbols.get(symbol);
      if (s != null && (topic.startsWith("quotes.") || topic.startsWith("trades."))) {
        s.rejected = errorCode;
      }
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
      alertsSent++;
      AlertState a = alerts.computeIfAbsent(id, AlertState::new);
      a.revision++;
      a.symbol = symbol;
      a.direction = direction;
      a.thresholdMicros = thresholdMicros;
      a.status = AlertStatus.PENDING;
      a.detail = "";
      return a.revision;
    }
  }

  /** Records how revision {@code revision} of alert {@code id} ended. */
  public void alertEnded(String id, int revision, SendResult result) {
    synchronized (lock) {
      SendResult.Outcome outcome = result.outcome();
      AlertStatus status;
      switch (outcome) {
        case ACKNOWLEDGED:
        case WRITTEN:
          alertsAcked++;
          status = AlertStatus.ACKNOWLEDGED;
          break;
        case SUPERSEDED:
          alertsSuperseded++;
          status = AlertStatus.SUPERSEDED;
          break;
        case EXPIRED:
          alertsExpired++;
          status = AlertStatus.EXPIRED;
          break;
        case REJECTED:
          alertsRejected++;
          status = AlertStatus.REJECTED;
          break;
        default:
          status = AlertStatus.FAILED;
          break;
      }
      AlertState a = alerts.get(id);
      if (a == null || a.revision != revision) return; // an older edit: counted only
      if (a.status == AlertStatus.TRIGGERED && status == AlertStatus.ACKNOWLEDGED) return;
      a.status = status;
      a.detail = status == AlertStatus.REJECTED || status == AlertStatus.FAILED
          ? (result.errorCode() != null ? result.errorCode() : outcome.name())
          : "";
    }
  }

  /** The server reported alert {@code id} triggered at {@code priceMicros}. */
  public void onAlertTriggered(String id, String symbol, long priceMicros, boolean replay) {
    synchronized (lock) {
      countDelivery(replay);
      alertsTriggered++;
      AlertState a = alerts.computeIfAbsent(id, AlertState::new);
      if (a.symbol.isEmpty()) a.symbol = symbol;
      a.status = AlertStatus.TRIGGERED;
      a.detail = "at " + Fmt.price(priceMicros);
      lastEvent = "alert " + id + " triggered: " + symbol + " at " + Fmt.price(priceMicros);
    }
  }

  // ---------------------------------------------------------------- connection

  /** A state change of the client. */
  public void onStateChange(StateChange change) {
    synchronized (lock) {
      state = change.current();
      retryDelayMillis = change.retryDelayMillis();
      stateSetAtMillis = clockMillis.getAsLong();
      stateDetail = change.error() != null ? String.valueOf(change.error().getMessage()) : "";
    }
  }

  /** Whether the network is simulated down (see {@link SwitchableNetwork}). */
  public void setNetworkDown(boolean down) {
    synchronized (lock) {
      networkDown = down;
    }
  }

  /** A fresh stats snapshot of the client; see {@link StatsSample#of(ClientStats)}. */
  public void onStats(ClientStats clientStats) {
    onStats(StatsSample.of(clientStats));
  }

  /** A fresh sample of the client's counters. Messages/s is computed over the last second or so. */
  public void onStats(StatsSample sample) {
    synchronized (lock) {
      long now = clockMillis.getAsLong();
      stats = sample;
      rateSamples.addLast(new long[] {now, sample.messagesIn()});
      // Keep the newest sample at or before (now - 1 s) as the window's start.
      while (rateSamples.size() > 2) {
        long[] second = secondOf(rateSamples);
        if (second[0] <= now - 1000) rateSamples.removeFirst();
        else break;
      }
    }
  }

  private static long[] secondOf(ArrayDeque<long[]> deque) {
    var it = deque.iterator();
    it.next();
    return it.next();
  }

  // ---------------------------------------------------------------- views

  /** An immutable picture of everything the renderers show, taken now. */
  public View view() {
    synchronized (lock) {
      long now = clockMillis.getAsLong();
      List<Row> rows = new ArrayList<>(symbols.size());
      for (SymbolState s : symbols.values()) rows.add(s.row());
      List<Alert> alertRows = new ArrayList<>(alerts.size());
      for (AlertState a : alerts.values()) alertRows.add(a.alert());
      long retryIn = state == ConnectionState.WAITING_TO_RETRY && retryDelayMillis >= 0
          ? Math.max(0, retryDelayMillis - (now - stateSetAtMillis))
          : -1;
      return new View(state, stateDetail, retryIn, networkDown, stats.smoothedRttNanos(),
          stats.reconnects(), stats.outboxMessages(), drops(), messagesPerSecond(), replays,
          discontinuities, Collections.unmodifiableList(rows), Collections.unmodifiableList(alertRows),
          alertsSent, alertsAcked, alertsSuperseded, alertsExpired, focused, lastEvent, summaryLocked());
    }
  }

  /** The run's totals; also in {@link View#summary()}. */
  public TickerSummary summary() {
    synchronized (lock) {
      return summaryLocked();
    }
  }

  private TickerSummary summaryLocked() {
    return new TickerSummary(received, trades, stats.duplicatesDropped(), stats.gapsDetected(), replays,
        discontinuities, stats.reconnects(), alertsSent, alertsAcked, alertsSuperseded, alertsExpired,
        appDuplicates, appGaps);
  }

  private Map<SendResult.Outcome, Long> drops() {
    EnumMap<SendResult.Outcome, Long> out = new EnumMap<>(SendResult.Outcome.class);
    for (Map.Entry<SendResult.Outcome, Long> e : stats.sendOutcomes().entrySet()) {
      if (!e.getKey().isSuccess() && e.getValue() > 0) out.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private double messagesPerSecond() {
    if (rateSamples.size() < 2) return 0;
    long[] first = rateSamples.getFirst();
    long[] last = rateSamples.getLast();
    long dt = last[0] - first[0];
    return dt <= 0 ? 0 : (last[1] - first[1]) * 1000.0 / dt;
  }

  // ---------------------------------------------------------------- state classes

  private static final class SymbolState {
    final String symbol;
    @Nullable Quote quote;
    final ArrayDeque<Long> history = new ArrayDeque<>(HISTORY);
    boolean awaitingBaseline = true;
    long epoch;
    long lastSequence;
    long trades;
    long duplicates;
    long gaps;
    long discontinuities;
    @Nullable String rejected;

    SymbolState(String symbol) {
      this.symbol = symbol;
    }

    Row row() {
      Quote q = quote;
      return new Row(symbol, q != null, q == null ? 0 : q.getLastMicros(),
          q == null ? 0 : q.getOpenMicros(), q == null ? 0 : q.getBidMicros(),
          q == null ? 0 : q.getAskMicros(), List.copyOf(history), trades, lastSequence, duplicates,
          gaps, discontinuities, rejected);
    }
  }

  private static final class AlertState {
    final String id;
    String symbol = "";
    PriceAlert.@Nullable Direction direction;
    long thresholdMicros;
    AlertStatus status = AlertStatus.PENDING;
    String detail = "";
    int revision;

    AlertState(String id) {
      this.id = id;
    }

    Alert alert() {
      return new Alert(id, symbol, direction, thresholdMicros, status, detail);
    }
  }

  // ---------------------------------------------------------------- immutable values

  /**
   * The client counters the model uses, copied from {@link ClientStats} (whose constructor is not
   * public, hence this record for tests).
   *
   * @param sendOutcomes messages ended per outcome since the client was built
   */
  public record StatsSample(long messagesIn, long smoothedRttNanos, long reconnects,
      int outboxMessages, Map<SendResult.Outcome, Long> sendOutcomes, long duplicatesDropped,
      long gapsDetected, long messagesReplayed) {
    /** All zero. */
    public static final StatsSample EMPTY = new StatsSample(0, 0, 0, 0, Map.of(), 0, 0, 0);

    public StatsSample {
      sendOutcomes = Map.copyOf(sendOutcomes);
    }

    /** Copies the counters out of {@code stats}. */
    public static StatsSample of(ClientStats stats) {
      EnumMap<SendResult.Outcome, Long> outcomes = new EnumMap<>(SendResult.Outcome.class);
      for (SendResult.Outcome o : SendResult.Outcome.values()) outcomes.put(o, stats.sendOutcomes(o));
      long rtt = stats.smoothedRttNanos() > 0 ? stats.smoothedRttNanos() : stats.lastRttNanos();
      return new StatsSample(stats.messagesIn(), rtt, stats.reconnects(), stats.outboxMessages(),
          outcomes, stats.duplicatesDropped(), stats.gapsDetected(), stats.messagesReplayed());
    }
  }

  /**
   * One symbol's row.
   *
   * @param hasQuote false until the first quote; the prices are 0 then
   * @param history the last {@link #HISTORY} last prices, oldest first
   * @param trades trades received on {@code trades.<symbol>}
   * @param lastTradeSequence sequence of the last trade accepted by the check
   * @param rejected the error code if the server refused a subscription, else null
   */
  public record Row(String symbol, boolean hasQuote, long lastMicros, long openMicros,
      long bidMicros, long askMicros, List<Long> history, long trades, long lastTradeSequence,
      long appDuplicates, long appGaps, long discontinuities, @Nullable String rejected) {
    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    /** Last minus open. */
    public long changeMicros() {
      return lastMicros - openMicros;
    }

    /** Change relative to the open, in percent (0 without an open price). */
    public double changePercent() {
      return openMicros == 0 ? 0 : changeMicros() * 100.0 / openMicros;
    }

    /**
     * The history as bars {@code ▁▂▃▄▅▆▇█}, lowest price {@code ▁}, highest {@code █}, linearly in
     * between (rounded); a flat history is all {@code ▄}.
     */
    public String sparkline() {
      if (history.isEmpty()) return "";
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (long p : history) {
        min = Math.min(min, p);
        max = Math.max(max, p);
      }
      StringBuilder s = new StringBuilder(history.size());
      for (long p : history) {
        int level = max == min ? 3 : (int) Math.round((double) (p - min) * 7 / (max - min));
        s.append(BARS[level]);
      }
      return s.toString();
    }
  }

  /**
   * One alert, as of its newest edit.
   *
   * @param direction null when only an {@code AlertTriggered} is known (e.g. from a previous run)
   * @param detail "at PRICE" when triggered, the error code when rejected or failed, else empty
   */
  public record Alert(String id, String symbol, PriceAlert.@Nullable Direction direction,
      long thresholdMicros, AlertStatus status, String detail) {}

  /**
   * Everything the renderers show.
   *
   * @param stateDetail the error message of the last state change, or empty
   * @param retryInMillis time left before the next attempt while waiting to retry, else -1
   * @param rttNanos smoothed round-trip time, 0 before the first Pong
   * @param drops non-successful send outcomes with a non-zero count (EXPIRED, SUPERSEDED, ...)
   * @param focused the symbol last focused, or null
   * @param lastEvent the latest notable event (discontinuity, snapshot, refusal...), or null
   */
  public record View(ConnectionState state, String stateDetail, long retryInMillis,
      boolean networkDown, long rttNanos, long reconnects, int outboxMessages,
      Map<SendResult.Outcome, Long> drops, double messagesPerSecond, long replays,
      long discontinuities, List<Row> rows, List<Alert> alerts, long alertsSent, long alertsAcked,
      long alertsSuperseded, long alertsExpired, @Nullable String focused,
      @Nullable String lastEvent, TickerSummary summary) {}
}
