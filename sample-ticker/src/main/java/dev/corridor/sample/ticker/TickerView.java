package dev.corridor.sample.ticker;

import dev.corridor.ConnectionState;
import dev.corridor.SendResult;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the renderers show, taken at one instant by {@link TickerModel#view()}. Immutable.
 *
 * @param stateDetail the error message of the last state change, or empty
 * @param retryInMillis time left before the next attempt while waiting to retry, else -1
 * @param rttNanos round-trip time measured on the current connection; 0 (shown as {@code -})
 *     while not connected and until the connection's first Pong
 * @param messagesPerSecond messages received per second over about the last second; -1 (shown as
 *     {@code -}) while not connected
 * @param drops non-successful send outcomes with a non-zero count (EXPIRED, SUPERSEDED, ...), in
 *     the enum's order; the caller passes an unmodifiable map
 * @param focused the symbol last focused, or null
 * @param lastEvent the latest notable event (refusal, discontinuity, chaos...), or null
 * @param eventCount events recorded so far: a renderer's own notice older than the latest event
 *     gives way to it
 */
public record TickerView(ConnectionState state, String stateDetail, long retryInMillis,
    boolean networkDown, long rttNanos, double messagesPerSecond, long reconnects,
    int outboxMessages, Map<SendResult.Outcome, Long> drops, List<SymbolRow> rows,
    List<AlertRow> alerts, @Nullable String focused, @Nullable String lastEvent, long eventCount,
    TickerSummary summary) {
  public TickerView {
    rows = List.copyOf(rows);
    alerts = List.copyOf(alerts);
  }
}
