package dev.corridor.sample.ticker;

import dev.corridor.Discontinuity;
import dev.corridor.sample.proto.Quote;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The shown symbols: their latest quote, the sparkline history, and the application-level check of
 * every {@code trades.<SYM>} stream.
 *
 * <p><b>Trades check.</b> For every symbol the book keeps the last (epoch, sequence) handed to the
 * application and counts a <em>duplicate</em> for a sequence at or below the last one and a
 * <em>gap</em> for a sequence above last + 1 (or a new epoch) that no {@link Discontinuity}
 * announced. The SDK promises both stay 0. The first trade after subscribing, and the first after
 * a discontinuity, only set the baseline.
 *
 * <p><b>Thread:</b> not thread-safe; {@link TickerModel} guards it with its lock.
 */
final class SymbolBook {
  private final LinkedHashMap<String, SymbolState> symbols = new LinkedHashMap<>();
  long trades;
  long appDuplicates;
  long appGaps;

  boolean add(String symbol) {
    if (symbols.containsKey(symbol)) return false;
    symbols.put(symbol, new SymbolState(symbol));
    return true;
  }

  boolean remove(String symbol) {
    return symbols.remove(symbol) != null;
  }

  boolean contains(String symbol) {
    return symbols.containsKey(symbol);
  }

  List<String> symbols() {
    return List.copyOf(symbols.keySet());
  }

  /** Shows {@code q} unless it is older than the quote shown (by {@code time_ms}). */
  void applyQuote(Quote q) {
    SymbolState s = symbols.get(q.getSymbol());
    if (s == null) return;
    if (s.quote != null && q.getTimeMs() < s.quote.getTimeMs()) return;
    s.quote = q;
    if (s.history.size() == TickerModel.HISTORY) s.history.removeFirst();
    s.history.addLast(q.getLastMicros());
  }

  /** Runs the trades check on one trade; returns what went wrong, or null. */
  @Nullable String onTrade(String symbol, long epoch, long sequence) {
    trades++;
    SymbolState s = symbols.get(symbol);
    if (s == null) return null; // a delivery racing an unsubscribe
    s.trades++;
    String problem = null;
    if (s.awaitingBaseline) {
      s.awaitingBaseline = false;
    } else if (epoch != s.epoch) {
      s.gaps++;
      appGaps++;
      problem = "APP GAP on trades." + symbol + ": epoch " + s.epoch + " -> " + epoch;
    } else if (sequence <= s.lastSequence) {
      s.duplicates++;
      appDuplicates++;
      return "APP DUPLICATE on trades." + symbol + ": " + sequence + " after " + s.lastSequence; // keep the position
    } else if (sequence > s.lastSequence + 1) {
      s.gaps++;
      appGaps++;
      problem = "APP GAP on trades." + symbol + ": " + s.lastSequence + " -> " + sequence;
    }
    s.epoch = epoch;
    s.lastSequence = sequence;
    return problem;
  }

  /** A discontinuity on {@code trades.<symbol>}: the check restarts from the next trade. */
  void onTradesDiscontinuity(String symbol) {
    SymbolState s = symbols.get(symbol);
    if (s == null) return;
    s.discontinuities++;
    s.awaitingBaseline = true;
  }

  List<SymbolRow> rows() {
    List<SymbolRow> rows = new ArrayList<>(symbols.size());
    for (SymbolState s : symbols.values()) rows.add(s.row());
    return rows;
  }

  private static final class SymbolState {
    final String symbol;
    @Nullable Quote quote;
    final ArrayDeque<Long> history = new ArrayDeque<>(TickerModel.HISTORY);
    boolean awaitingBaseline = true;
    long epoch;
    long lastSequence;
    long trades;
    long duplicates;
    long gaps;
    long discontinuities;

    SymbolState(String symbol) {
      this.symbol = symbol;
    }

    SymbolRow row() {
      Quote q = quote;
      return new SymbolRow(symbol, q != null, q == null ? 0 : q.getLastMicros(),
          q == null ? 0 : q.getOpenMicros(), q == null ? 0 : q.getBidMicros(),
          q == null ? 0 : q.getAskMicros(), List.copyOf(history), trades, lastSequence, duplicates,
          gaps, discontinuities);
    }
  }
}
