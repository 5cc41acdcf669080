package dev.corridor.sample.ticker;

import java.util.ArrayList;
import java.util.List;

/**
 * The connection status fields, in the one order both the full screen and plain mode show them:
 *
 * <pre>
 * CONNECTED  rtt 12ms  msgs/s 120  reconnects 2  outbox 1  rejected 0
 * WAITING_TO_RETRY (retry in 1.2s) [network down]  rtt -  msgs/s -  reconnects 3  outbox 2  rejected 0
 * </pre>
 *
 * RTT and messages/s read {@code -} while they are not current (see {@link TickerView#rttNanos()}
 * and {@link TickerView#messagesPerSecond()}); {@code rejected} counts alert edits the server
 * refused. Pure functions; any thread.
 */
final class StatusLine {
  private StatusLine() {}

  /** The state, with the retry countdown and a simulated network loss if any. */
  static String state(TickerView v) {
    StringBuilder s = new StringBuilder(v.state().name());
    if (v.retryInMillis() >= 0) s.append(" (retry in ").append(Fmt.seconds(v.retryInMillis())).append(')');
    if (v.networkDown()) s.append(" [network down]");
    return s.toString();
  }

  /** The fields after the state, each {@code "name value"}. */
  static List<String> counters(TickerView v) {
    List<String> out = new ArrayList<>();
    out.add("rtt " + Fmt.rtt(v.rttNanos()));
    out.add("msgs/s " + (v.messagesPerSecond() < 0 ? "-" : Fmt.rate(v.messagesPerSecond())));
    out.add("reconnects " + v.reconnects());
    out.add("outbox " + v.outboxMessages());
    out.add("rejected " + v.summary().alertsRejected());
    return out;
  }

  /** The whole line as plain text. */
  static String plain(TickerView v) {
    return state(v) + "  " + String.join("  ", counters(v));
  }
}
