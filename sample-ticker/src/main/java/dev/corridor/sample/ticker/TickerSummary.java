package dev.corridor.sample.ticker;

import dev.corridor.ClientStats;

/**
 * The run's totals, printed at exit and checked by the end-to-end test.
 *
 * @param received messages delivered to the application (quotes, trades, alert events)
 * @param trades trade prints delivered on the {@code trades.*} topics
 * @param duplicatesSuppressed deliveries the SDK dropped as duplicates
 *     ({@link ClientStats#duplicatesDropped()})
 * @param gapsReplayed gaps the SDK detected and asked to replay ({@link ClientStats#gapsDetected()})
 * @param replayed deliveries flagged {@code isReplay()}
 * @param discontinuities discontinuities reported to the listeners
 * @param reconnects connections after the first
 * @param alertsRejected alert edits the server refused (each shows the server's reason)
 * @param appDuplicates duplicates the application saw on {@code trades.*}: must be 0
 * @param appGaps unannounced gaps the application saw on {@code trades.*}: must be 0
 */
public record TickerSummary(long received, long trades, long duplicatesSuppressed, long gapsReplayed,
    long replayed, long discontinuities, long reconnects, long alertsSent, long alertsAcked,
    long alertsSuperseded, long alertsExpired, long alertsRejected, long appDuplicates, long appGaps) {

  /** True when the application saw no duplicate and no unannounced gap. */
  public boolean ok() {
    return appDuplicates == 0 && appGaps == 0;
  }

  /** One JSON object on one line, keys as the record's components plus {@code "ok"}. */
  public String toJson() {
    return "{\"received\":" + received
        + ",\"trades\":" + trades
        + ",\"duplicatesSuppressed\":" + duplicatesSuppressed
        + ",\"gapsReplayed\":" + gapsReplayed
        + ",\"replayed\":" + replayed
        + ",\"discontinuities\":" + discontinuities
        + ",\"reconnects\":" + reconnects
        + ",\"alertsSent\":" + alertsSent
        + ",\"alertsAcked\":" + alertsAcked
        + ",\"alertsSuperseded\":" + alertsSuperseded
        + ",\"alertsExpired\":" + alertsExpired
        + ",\"alertsRejected\":" + alertsRejected
        + ",\"appDuplicates\":" + appDuplicates
        + ",\"appGaps\":" + appGaps
        + ",\"ok\":" + ok()
        + "}";
  }

  /** A readable block of lines, each ending with a newline. */
  public String toText() {
    return "received               " + received + " (" + trades + " trades)\n"
        + "duplicates suppressed  " + duplicatesSuppressed + "\n"
        + "gaps replayed          " + gapsReplayed + "\n"
        + "replayed messages      " + replayed + "\n"
        + "discontinuities        " + discontinuities + "\n"
        + "reconnects             " + reconnects + "\n"
        + "alerts                 sent " + alertsSent + ", acked " + alertsAcked + ", superseded "
        + alertsSuperseded + ", expired " + alertsExpired + ", rejected " + alertsRejected + "\n"
        + "application saw        " + appDuplicates + " duplicates, " + appGaps + " gaps"
        + (ok() ? " (ok)" : " (BROKEN)") + "\n";
  }
}
