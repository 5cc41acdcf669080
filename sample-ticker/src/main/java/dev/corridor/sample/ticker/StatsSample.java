package dev.corridor.sample.ticker;

import dev.corridor.ClientStats;
import dev.corridor.SendResult;
import java.util.EnumMap;
import java.util.Map;

/**
 * The client counters the model uses, copied from {@link ClientStats} (whose constructor is not
 * public, hence this record for tests).
 *
 * @param rttNanos smoothed round-trip time (else the last one), 0 before the first Pong
 * @param lastRttNanos the last round-trip time measured, 0 before the first Pong; the model
 *     compares it across samples to tell an RTT measured on the current connection from an old one
 * @param connections connections established so far (each successful Welcome)
 * @param sendOutcomes messages ended per outcome since the client was built
 */
public record StatsSample(long messagesIn, long rttNanos, long lastRttNanos, long connections,
    long reconnects, int outboxMessages, Map<SendResult.Outcome, Long> sendOutcomes,
    long duplicatesDropped, long gapsDetected, long messagesReplayed) {
  /** All zero. */
  public static final StatsSample EMPTY = new StatsSample(0, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0);

  public StatsSample {
    sendOutcomes = Map.copyOf(sendOutcomes);
  }

  /** Copies the counters out of {@code stats}. */
  public static StatsSample of(ClientStats stats) {
    EnumMap<SendResult.Outcome, Long> outcomes = new EnumMap<>(SendResult.Outcome.class);
    for (SendResult.Outcome o : SendResult.Outcome.values()) outcomes.put(o, stats.sendOutcomes(o));
    long rtt = stats.smoothedRttNanos() > 0 ? stats.smoothedRttNanos() : stats.lastRttNanos();
    return new StatsSample(stats.messagesIn(), rtt, stats.lastRttNanos(), stats.connections(),
        stats.reconnects(), stats.outboxMessages(), outcomes, stats.duplicatesDropped(),
        stats.gapsDetected(), stats.messagesReplayed());
  }
}
