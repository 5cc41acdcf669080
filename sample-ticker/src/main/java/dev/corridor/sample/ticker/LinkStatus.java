package dev.corridor.sample.ticker;

import dev.corridor.ConnectionState;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The connection as the status line shows it: state, retry countdown, the client's counters, and
 * which of them are current. RTT counts only once measured on the current connection, and
 * neither RTT nor messages/s is current while the client is not connected.
 *
 * <p><b>Thread:</b> not thread-safe; {@link TickerModel} guards it with its lock.
 */
final class LinkStatus {
  private final LongSupplier clockMillis;
  private final ArrayDeque<long[]> rateSamples = new ArrayDeque<>(); // {timeMillis, messagesIn}
  private ConnectionState state = ConnectionState.IDLE;
  private String detail = "";
  private long retryDelayMillis = -1;
  private long stateSetAtMillis;
  private boolean networkDown;
  private StatsSample stats = StatsSample.EMPTY;
  /** The last RTT known before the current connection: an RTT still equal to it is not current. */
  private long rttBeforeConnection;

  LinkStatus(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
    this.stateSetAtMillis = clockMillis.getAsLong();
  }

  void onStateChange(StateChange change) {
    state = change.current();
    retryDelayMillis = change.retryDelayMillis();
    stateSetAtMillis = clockMillis.getAsLong();
    detail = change.error() != null ? String.valueOf(change.error().getMessage()) : "";
  }

  void setNetworkDown(boolean down) {
    networkDown = down;
  }

  /** A fresh sample of the client's counters. Messages/s is computed over the last second or so. */
  void onStats(StatsSample sample) {
    long now = clockMillis.getAsLong();
    if (sample.connections() != stats.connections()) rttBeforeConnection = stats.lastRttNanos();
    stats = sample;
    rateSamples.addLast(new long[] {now, sample.messagesIn()});
    // Keep the newest sample at or before (now - 1 s) as the window's start.
    while (rateSamples.size() > 2) {
      var it = rateSamples.iterator();
      it.next();
      if (it.next()[0] <= now - 1000) rateSamples.removeFirst();
      else break;
    }
  }

  StatsSample stats() {
    return stats;
  }

  ConnectionState state() {
    return state;
  }

  String detail() {
    return detail;
  }

  boolean networkDown() {
    return networkDown;
  }

  /** Time left before the next attempt while waiting to retry, else -1. */
  long retryInMillis() {
    if (state != ConnectionState.WAITING_TO_RETRY || retryDelayMillis < 0) return -1;
    return Math.max(0, retryDelayMillis - (clockMillis.getAsLong() - stateSetAtMillis));
  }

  /** The RTT measured on the current connection, or 0 (not connected, or no Pong on it yet). */
  long currentRttNanos() {
    if (state != ConnectionState.CONNECTED) return 0;
    return stats.lastRttNanos() > 0 && stats.lastRttNanos() != rttBeforeConnection ? stats.rttNanos() : 0;
  }

  /** Messages per second over about the last second while connected, else -1. */
  double currentMessagesPerSecond() {
    if (state != ConnectionState.CONNECTED) return -1;
    if (rateSamples.size() < 2) return 0;
    long[] first = rateSamples.getFirst();
    long[] last = rateSamples.getLast();
    long dt = last[0] - first[0];
    return dt <= 0 ? 0 : (last[1] - first[1]) * 1000.0 / dt;
  }

  /** Non-successful send outcomes with a non-zero count, in the enum's order. */
  Map<SendResult.Outcome, Long> drops() {
    EnumMap<SendResult.Outcome, Long> out = new EnumMap<>(SendResult.Outcome.class);
    for (Map.Entry<SendResult.Outcome, Long> e : stats.sendOutcomes().entrySet()) {
      if (!e.getKey().isSuccess() && e.getValue() > 0) out.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(out);
  }
}
