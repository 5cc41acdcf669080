package dev.corridor.sample.ticker;

import java.util.List;

/**
 * One symbol's row.
 *
 * @param hasQuote false until the first quote; the prices are 0 then
 * @param history the last {@link TickerModel#HISTORY} last prices, oldest first
 * @param trades trades received on {@code trades.<symbol>}
 * @param lastTradeSequence sequence of the last trade accepted by the check
 */
public record SymbolRow(String symbol, boolean hasQuote, long lastMicros, long openMicros,
    long bidMicros, long askMicros, List<Long> history, long trades, long lastTradeSequence,
    long appDuplicates, long appGaps, long discontinuities) {
  private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

  public SymbolRow {
    history = List.copyOf(history);
  }

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
