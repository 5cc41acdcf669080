package dev.corridor.sample.ticker;

import dev.corridor.ConnectionState;
import dev.corridor.Discontinuity;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import dev.corridor.sample.proto.PriceAlert;
import dev.corridor.sample.proto.Quote;
import dev.corridor.testing.TestValues;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A model in a known state, on a fake clock, shared by the rendering tests. */
final class Fixtures {
  private Fixtures() {}

  /** Micros from a decimal string. */
  static long m(String price) {
    return Fmt.parsePrice(price);
  }

  static Quote quote(String symbol, String last, String open, String bid, String ask, long timeMs) {
    return Quote.newBuilder()
        .setSymbol(symbol)
        .setLastMicros(m(last))
        .setOpenMicros(m(open))
        .setBidMicros(m(bid))
        .setAskMicros(m(ask))
        .setTimeMs(timeMs)
        .build();
  }

  static StateChange change(ConnectionState from, ConnectionState to, StateChange.Cause cause, long retry) {
    return TestValues.stateChange(from, to, cause, null, retry);
  }

  static SendResult result(SendResult.Outcome outcome) {
    return TestValues.sendResult(outcome, 0, null, null);
  }

  /**
   * AAPL (4 quotes, rising, 42 trades), MSFT (falling, focused), NOK (under 10), TSLA (no quote);
   * four alerts (one rejected); connected, 2 reconnects, an RTT measured on this connection,
   * 120 msgs/s.
   */
  static TickerModel knownModel(AtomicLong clock) {
    TickerModel model = new TickerModel(clock::get);
    for (String s : new String[] {"AAPL", "MSFT", "NOK", "TSLA"}) model.addSymbol(s);
    model.onStateChange(change(ConnectionState.IDLE, ConnectionState.CONNECTING, StateChange.Cause.CONNECT_REQUESTED, -1));
    model.onStateChange(change(ConnectionState.CONNECTING, ConnectionState.CONNECTED, StateChange.Cause.WELCOME_RECEIVED, -1));
    model.onQuote(quote("AAPL", "188.55", "188.00", "188.50", "188.60", 1), false);
    model.onQuote(quote("AAPL", "188.75", "188.00", "188.70", "188.80", 2), false);
    model.onQuote(quote("AAPL", "188.95", "188.00", "188.90", "189.00", 3), false);
    model.onQuote(quote("AAPL", "189.25", "188.00", "189.20", "189.30", 4), false);
    model.onQuote(quote("MSFT", "405.50", "410.00", "405.45", "405.55", 4), false);
    model.onQuote(quote("NOK", "4.1234", "4.05", "4.12", "4.13", 4), false);
    for (long seq = 1; seq <= 42; seq++) model.onTrade("AAPL", 1, seq, seq > 39);
    model.onDiscontinuity(TestValues.discontinuity("trades.MSFT", Discontinuity.Reason.HISTORY_TRIMMED, 1, 0, 1, 7));
    model.focus("MSFT");

    int a1 = model.alertSent("a1", "AAPL", PriceAlert.Direction.ABOVE, m("190"));
    model.alertEnded("a1", a1, result(SendResult.Outcome.ACKNOWLEDGED));
    model.alertSent("a2", "MSFT", PriceAlert.Direction.BELOW, m("400"));
    int nok = model.alertSent("nok-1", "NOK", PriceAlert.Direction.ABOVE, m("4.1"));
    model.alertEnded("nok-1", nok, result(SendResult.Outcome.ACKNOWLEDGED));
    model.onAlertTriggered("nok-1", "NOK", m("4.1234"), false);
    int b = model.alertSent("b7", "TSLA", PriceAlert.Direction.ABOVE, m("300"));
    // As the reference server rejects it: code REJECTED, the reason in the message.
    model.alertEnded("b7", b, TestValues.sendResult(SendResult.Outcome.REJECTED, 4, "REJECTED",
        "unknown symbol TSLA; this feed serves AAPL MSFT NOK"));

    Map<SendResult.Outcome, Long> outcomes = Map.of(SendResult.Outcome.ACKNOWLEDGED, 2L,
        SendResult.Outcome.SUPERSEDED, 1L, SendResult.Outcome.EXPIRED, 2L);
    model.onStats(new StatsSample(1000, 12_300_000, 12_100_000, 3, 2, 1, outcomes, 4, 2, 3));
    clock.addAndGet(1000);
    model.onStats(new StatsSample(1120, 12_300_000, 12_100_000, 3, 2, 1, outcomes, 4, 2, 3));
    return model;
  }
}
