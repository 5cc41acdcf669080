package dev.corridor.sample.ticker;

import static dev.corridor.sample.ticker.Fixtures.m;
import static dev.corridor.sample.ticker.Fixtures.quote;
import static dev.corridor.sample.ticker.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.Discontinuity;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import dev.corridor.sample.proto.PriceAlert;
import dev.corridor.sample.proto.Snapshot;
import dev.corridor.testing.TestValues;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TickerModelTest {
  private final AtomicLong clock = new AtomicLong(10_000);
  private final TickerModel model = new TickerModel(clock::get);

  private SymbolRow row(String symbol) {
    return model.view().rows().stream().filter(r -> r.symbol().equals(symbol)).findFirst().orElseThrow();
  }

  private static Discontinuity discontinuity(String topic) {
    return TestValues.discontinuity(topic, Discontinuity.Reason.HISTORY_TRIMMED, 1, 6, 1, 20);
  }

  // ---------------------------------------------------------------- trades check

  @Test
  void anInOrderStreamCountsNoDuplicatesAndNoGaps() {
    model.addSymbol("AAPL");
    for (long seq = 100; seq <= 200; seq++) model.onTrade("AAPL", 3, seq, false);

    TickerSummary s = model.summary();
    assertThat(s.appDuplicates()).isZero();
    assertThat(s.appGaps()).isZero();
    assertThat(s.ok()).isTrue();
    assertThat(s.trades()).isEqualTo(101);
    assertThat(row("AAPL").lastTradeSequence()).isEqualTo(200);
    assertThat(row("AAPL").trades()).isEqualTo(101);
  }

  @Test
  void duplicatesAndGapsAreCountedAtApplicationLevel() {
    model.addSymbol("AAPL");
    model.onTrade("AAPL", 1, 5, false); // baseline
    model.onTrade("AAPL", 1, 6, false);
    model.onTrade("AAPL", 1, 6, false); // duplicate
    model.onTrade("AAPL", 1, 4, false); // duplicate (below the last)
    model.onTrade("AAPL", 1, 8, false); // gap: 7 missing
    model.onTrade("AAPL", 1, 9, false);

    TickerSummary s = model.summary();
    assertThat(s.appDuplicates()).isEqualTo(2);
    assertThat(s.appGaps()).isEqualTo(1);
    assertThat(s.ok()).isFalse();
    assertThat(row("AAPL").appDuplicates()).isEqualTo(2);
    assertThat(row("AAPL").appGaps()).isEqualTo(1);
    assertThat(row("AAPL").lastTradeSequence()).isEqualTo(9);
    assertThat(model.view().lastEvent()).isEqualTo("APP GAP on trades.AAPL: 6 -> 8");
  }

  @Test
  void aDiscontinuityRestartsTheCheckOfItsSymbolOnly() {
    model.addSymbol("AAPL");
    model.addSymbol("MSFT");
    model.onTrade("AAPL", 1, 5, false);
    model.onTrade("AAPL", 1, 6, false);
    model.onTrade("MSFT", 1, 1, false);
    model.onDiscontinuity(discontinuity("trades.AAPL"));
    model.onTrade("AAPL", 1, 20, false); // announced: a new baseline
    model.onTrade("AAPL", 1, 21, false);
    model.onTrade("MSFT", 1, 3, false); // MSFT was not reset: a gap

    TickerSummary s = model.summary();
    assertThat(s.appGaps()).isEqualTo(1);
    assertThat(s.appDuplicates()).isZero();
    assertThat(s.discontinuities()).isEqualTo(1);
    assertThat(row("AAPL").discontinuities()).isEqualTo(1);
    assertThat(row("AAPL").appGaps()).isZero();
    assertThat(row("MSFT").appGaps()).isEqualTo(1);
  }

  @Test
  void aDiscontinuityAlsoAllowsAStartOverInANewEpoch() {
    model.addSymbol("AAPL");
    model.onTrade("AAPL", 1, 50, false);
    model.onDiscontinuity(TestValues.discontinuity("trades.AAPL", Discontinuity.Reason.EPOCH_CHANGED, 1, 50, 2, 1));
    model.onTrade("AAPL", 2, 1, false);
    model.onTrade("AAPL", 2, 2, false);

    assertThat(model.summary().ok()).isTrue();
  }

  @Test
  void anUnannouncedEpochChangeIsAGap() {
    model.addSymbol("AAPL");
    model.onTrade("AAPL", 1, 50, false);
    model.onTrade("AAPL", 2, 1, false);
    model.onTrade("AAPL", 2, 2, false);

    assertThat(model.summary().appGaps()).isEqualTo(1);
    assertThat(model.summary().appDuplicates()).isZero();
  }

  @Test
  void theFirstTradeAfterReAddingASymbolIsANewBaseline() {
    model.addSymbol("AAPL");
    model.onTrade("AAPL", 1, 50, false);
    model.removeSymbol("AAPL");
    model.onTrade("AAPL", 1, 51, false); // racing the unsubscribe: counted, not checked
    model.addSymbol("AAPL");
    model.onTrade("AAPL", 1, 10, false);

    assertThat(model.summary().ok()).isTrue();
    assertThat(model.summary().trades()).isEqualTo(3);
  }

  @Test
  void replaysAndDiscontinuitiesOnOtherTopicsAreCounted() {
    model.addSymbol("AAPL");
    model.onTrade("AAPL", 1, 1, false);
    model.onTrade("AAPL", 1, 2, true);
    model.onAlertTriggered("a1", "AAPL", m("190"), true);
    model.onDiscontinuity(discontinuity("alert-events.me"));

    TickerView v = model.view();
    assertThat(v.summary().replayed()).isEqualTo(2);
    assertThat(v.summary().discontinuities()).isEqualTo(1);
    assertThat(v.summary().received()).isEqualTo(3);
    assertThat(v.lastEvent()).isEqualTo("discontinuity on alert-events.me (HISTORY_TRIMMED)");
  }

  // ---------------------------------------------------------------- quotes

  @Test
  void changeAndPercentChangeAreAgainstTheOpen() {
    model.addSymbol("AAPL");
    model.addSymbol("MSFT");
    model.onQuote(quote("AAPL", "189.25", "188.00", "189.20", "189.30", 1), false);
    model.onQuote(quote("MSFT", "405.50", "410.00", "405.45", "405.55", 1), false);

    SymbolRow aapl = row("AAPL");
    assertThat(aapl.hasQuote()).isTrue();
    assertThat(aapl.changeMicros()).isEqualTo(1_250_000);
    assertThat(aapl.changePercent()).isCloseTo(0.664893, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(Fmt.percent(aapl.changePercent())).isEqualTo("+0.66%");
    assertThat(aapl.bidMicros()).isEqualTo(189_200_000);
    assertThat(aapl.askMicros()).isEqualTo(189_300_000);

    SymbolRow msft = row("MSFT");
    assertThat(msft.changeMicros()).isEqualTo(-4_500_000);
    assertThat(Fmt.percent(msft.changePercent())).isEqualTo("-1.10%");
  }

  @Test
  void noQuoteYetAndNoOpenMeanNoChange() {
    model.addSymbol("AAPL");
    assertThat(row("AAPL").hasQuote()).isFalse();
    assertThat(row("AAPL").changePercent()).isZero();
    model.onQuote(quote("AAPL", "1", "0.000001", "1", "1", 1).toBuilder().setOpenMicros(0).build(), false);
    assertThat(row("AAPL").changePercent()).isZero();
  }

  @Test
  void anOlderQuoteDoesNotReplaceANewerOne() {
    model.addSymbol("AAPL");
    model.onQuote(quote("AAPL", "190", "188", "189", "191", 200), false);
    model.onQuote(quote("AAPL", "185", "188", "184", "186", 100), false);
    assertThat(row("AAPL").lastMicros()).isEqualTo(m("190"));
    assertThat(row("AAPL").history()).containsExactly(m("190"));
  }

  @Test
  void quotesForSymbolsNotShownAreIgnoredButCounted() {
    model.onQuote(quote("IBM", "190", "188", "189", "191", 1), false);
    assertThat(model.view().rows()).isEmpty();
    assertThat(model.summary().received()).isEqualTo(1);
  }

  @Test
  void aSnapshotResynchronisesQuotes() {
    model.addSymbol("AAPL");
    model.onQuote(quote("AAPL", "190", "188", "189", "191", 100), false);
    model.onSnapshot(Snapshot.newBuilder().addQuotes(quote("AAPL", "192", "188", "191.9", "192.1", 300)).build());

    assertThat(row("AAPL").lastMicros()).isEqualTo(m("192"));
    assertThat(model.summary().received()).isEqualTo(1);
    assertThat(model.view().lastEvent()).isEqualTo("resynchronised AAPL from a snapshot");
  }

  // ---------------------------------------------------------------- sparkline

  @Test
  void sparklineScalesFromLowestToHighest() {
    model.addSymbol("AAPL");
    String[] prices = {"188.55", "188.75", "188.95", "189.25"};
    for (int i = 0; i < prices.length; i++) {
      model.onQuote(quote("AAPL", prices[i], "188", "188", "190", i), false);
    }
    assertThat(row("AAPL").sparkline()).isEqualTo("▁▃▅█");
  }

  @Test
  void sparklineUsesAllEightBarsAndAFlatLineIsMidHeight() {
    model.addSymbol("A");
    model.addSymbol("B");
    for (int i = 0; i < 8; i++) {
      model.onQuote(quote("A", Integer.toString(100 + i), "100", "1", "1", i), false);
      model.onQuote(quote("B", "50", "50", "1", "1", i), false);
    }
    assertThat(row("A").sparkline()).isEqualTo("▁▂▃▄▅▆▇█");
    assertThat(row("B").sparkline()).isEqualTo("▄▄▄▄▄▄▄▄");
  }

  @Test
  void historyKeepsTheLastTwentyPrices() {
    model.addSymbol("A");
    for (int i = 1; i <= 30; i++) model.onQuote(quote("A", Integer.toString(i), "1", "1", "1", i), false);
    assertThat(row("A").history()).hasSize(TickerModel.HISTORY).startsWith(m("11")).endsWith(m("30"));
    assertThat(row("A").sparkline()).hasSize(20).startsWith("▁").endsWith("█");
    assertThat(new SymbolRow("X", false, 0, 0, 0, 0, java.util.List.of(), 0, 0, 0, 0, 0)
        .sparkline()).isEmpty();
  }

  // ---------------------------------------------------------------- alerts

  @Test
  void alertStatusesFollowTheNewestEdit() {
    int r1 = model.alertSent("a1", "AAPL", PriceAlert.Direction.ABOVE, m("190"));
    int r2 = model.alertSent("a1", "AAPL", PriceAlert.Direction.ABOVE, m("191"));
    AlertRow pending = model.view().alerts().get(0);
    assertThat(pending.status()).isEqualTo(AlertStatus.PENDING);
    assertThat(pending.thresholdMicros()).isEqualTo(m("191"));

    model.alertEnded("a1", r1, result(SendResult.Outcome.SUPERSEDED)); // the older edit: counted only
    assertThat(model.view().alerts().get(0).status()).isEqualTo(AlertStatus.PENDING);

    model.alertEnded("a1", r2, result(SendResult.Outcome.ACKNOWLEDGED));
    TickerView v = model.view();
    assertThat(v.alerts()).containsExactly(new AlertRow("a1", "AAPL",
        PriceAlert.Direction.ABOVE, m("191"), AlertStatus.ACKNOWLEDGED, ""));
    assertThat(v.summary().alertsSent()).isEqualTo(2);
    assertThat(v.summary().alertsSuperseded()).isEqualTo(1);
    assertThat(v.summary().alertsAcked()).isEqualTo(1);
  }

  @Test
  void everyOutcomeMapsToAStatus() {
    int e = model.alertSent("e", "A", PriceAlert.Direction.BELOW, m("1"));
    int r = model.alertSent("r", "A", PriceAlert.Direction.BELOW, m("1"));
    int o = model.alertSent("o", "A", PriceAlert.Direction.BELOW, m("1"));
    int c = model.alertSent("c", "A", PriceAlert.Direction.BELOW, m("1"));
    model.alertEnded("e", e, result(SendResult.Outcome.EXPIRED));
    model.alertEnded("r", r, TestValues.sendResult(SendResult.Outcome.REJECTED, 3, "REJECTED", "unknown symbol A"));
    model.alertEnded("o", o, result(SendResult.Outcome.OVERFLOW));
    model.alertEnded("c", c, result(SendResult.Outcome.CLOSED));

    assertThat(model.view().alerts()).extracting(AlertRow::status, AlertRow::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(AlertStatus.EXPIRED, ""),
            org.assertj.core.groups.Tuple.tuple(AlertStatus.REJECTED, "unknown symbol A"),
            org.assertj.core.groups.Tuple.tuple(AlertStatus.FAILED, "OVERFLOW"),
            org.assertj.core.groups.Tuple.tuple(AlertStatus.FAILED, "CLOSED"));
    assertThat(model.summary().alertsExpired()).isEqualTo(1);
    assertThat(model.summary().alertsRejected()).isEqualTo(1);
  }

  @Test
  void aRejectionShowsTheServersReasonOnceAndIsCounted() {
    int r = model.alertSent("x1", "IBM", PriceAlert.Direction.ABOVE, m("150"));
    model.alertEnded("x1", r, TestValues.sendResult(SendResult.Outcome.REJECTED, 1, "REJECTED",
        "unknown symbol IBM; this feed serves AAPL"));
    int c = model.alertSent("x2", "IBM", PriceAlert.Direction.ABOVE, m("150"));
    model.alertEnded("x2", c, TestValues.sendResult(SendResult.Outcome.REJECTED, 2, "UNKNOWN_TOPIC", null));

    assertThat(model.view().alerts()).extracting(AlertRow::detail)
        .containsExactly("unknown symbol IBM; this feed serves AAPL", "UNKNOWN_TOPIC");
    assertThat(model.view().lastEvent()).isEqualTo("alert x2 rejected: UNKNOWN_TOPIC");
    assertThat(model.summary().alertsRejected()).isEqualTo(2);
    assertThat(model.summary().toText()).contains("rejected 2");
  }

  @Test
  void aTriggerPriceIsShownInItsThresholdsFormat() {
    int r = model.alertSent("a1", "X", PriceAlert.Direction.ABOVE, m("10"));
    model.alertEnded("a1", r, result(SendResult.Outcome.ACKNOWLEDGED));
    model.onAlertTriggered("a1", "X", m("9.9987"), false);
    assertThat(model.view().alerts().get(0).detail()).isEqualTo("at 10.00");
  }

  @Test
  void aTriggeredAlertStaysTriggeredWhenItsAckArrivesLate() {
    int r = model.alertSent("a1", "AAPL", PriceAlert.Direction.ABOVE, m("190"));
    model.onAlertTriggered("a1", "AAPL", m("190.5"), false);
    model.alertEnded("a1", r, result(SendResult.Outcome.ACKNOWLEDGED));

    AlertRow a = model.view().alerts().get(0);
    assertThat(a.status()).isEqualTo(AlertStatus.TRIGGERED);
    assertThat(a.detail()).isEqualTo("at 190.50");

    model.alertSent("a1", "AAPL", PriceAlert.Direction.ABOVE, m("195")); // re-armed
    assertThat(model.view().alerts().get(0).status()).isEqualTo(AlertStatus.PENDING);
  }

  @Test
  void aTriggerForAnUnknownAlertIsShownWithoutDirection() {
    model.onAlertTriggered("old", "MSFT", m("400"), true);
    AlertRow a = model.view().alerts().get(0);
    assertThat(a.direction()).isNull();
    assertThat(a.symbol()).isEqualTo("MSFT");
    assertThat(a.status()).isEqualTo(AlertStatus.TRIGGERED);
  }

  // ---------------------------------------------------------------- connection and stats

  @Test
  void retryCountdownRunsFromTheStateChange() {
    model.onStateChange(Fixtures.change(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RETRY,
        StateChange.Cause.CONNECTION_LOST, 3000));
    assertThat(model.view().retryInMillis()).isEqualTo(3000);
    clock.addAndGet(1200);
    assertThat(model.view().retryInMillis()).isEqualTo(1800);
    clock.addAndGet(5000);
    assertThat(model.view().retryInMillis()).isZero();

    model.onStateChange(Fixtures.change(ConnectionState.WAITING_TO_RETRY, ConnectionState.CONNECTING,
        StateChange.Cause.RETRY_TIMER, -1));
    assertThat(model.view().retryInMillis()).isEqualTo(-1);
    assertThat(model.view().state()).isEqualTo(ConnectionState.CONNECTING);
  }

  private void connected() {
    model.onStateChange(Fixtures.change(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        StateChange.Cause.WELCOME_RECEIVED, -1));
  }

  @Test
  void messagesPerSecondComesFromMessagesInOverAboutOneSecond() {
    connected();
    assertThat(model.view().messagesPerSecond()).isZero();
    sample(0);
    assertThat(model.view().messagesPerSecond()).isZero(); // one sample: no rate yet
    clock.addAndGet(500);
    sample(50);
    assertThat(model.view().messagesPerSecond()).isEqualTo(100.0);
    clock.addAndGet(500);
    sample(100);
    clock.addAndGet(500);
    sample(250); // the window now starts at the sample taken 1 s ago (50)
    assertThat(model.view().messagesPerSecond()).isEqualTo(200.0);
  }

  private void sample(long messagesIn) {
    model.onStats(new StatsSample(messagesIn, 0, 0, 1, 0, 0, Map.of(), 0, 0, 0));
  }

  private void rttSample(long connections, long rttNanos) {
    model.onStats(new StatsSample(0, rttNanos, rttNanos, connections, connections - 1, 0, Map.of(), 0, 0, 0));
  }

  @Test
  void rttAndRateAreNotShownAsCurrentWhileDisconnected() {
    connected();
    rttSample(1, 4_000_000);
    clock.addAndGet(1000);
    model.onStats(new StatsSample(200, 4_000_000, 4_000_000, 1, 0, 0, Map.of(), 0, 0, 0));
    assertThat(model.view().rttNanos()).isEqualTo(4_000_000);
    assertThat(model.view().messagesPerSecond()).isEqualTo(200.0);

    model.onStateChange(Fixtures.change(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RETRY,
        StateChange.Cause.CONNECTION_LOST, 1000));
    assertThat(model.view().rttNanos()).isZero();
    assertThat(model.view().messagesPerSecond()).isEqualTo(-1);
    assertThat(PlainReporter.statusLine(model.view())).contains("rtt -  msgs/s -");
  }

  @Test
  void afterAReconnectTheOldConnectionsRttIsNotShownUntilANewPong() {
    connected();
    rttSample(1, 4_000_000);
    assertThat(model.view().rttNanos()).isEqualTo(4_000_000);

    model.onStateChange(Fixtures.change(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RETRY,
        StateChange.Cause.CONNECTION_LOST, 1000));
    connected();
    rttSample(2, 4_000_000); // the second connection: no Pong on it yet
    assertThat(model.view().rttNanos()).isZero();
    rttSample(2, 6_000_000);
    assertThat(model.view().rttNanos()).isEqualTo(6_000_000);
  }

  @Test
  void statsFeedTheViewAndTheSummary() {
    Map<SendResult.Outcome, Long> outcomes = Map.of(SendResult.Outcome.ACKNOWLEDGED, 9L,
        SendResult.Outcome.WRITTEN, 3L, SendResult.Outcome.OVERFLOW, 2L, SendResult.Outcome.EXPIRED, 0L);
    connected();
    model.onStats(new StatsSample(10, 5_000_000, 5_000_000, 4, 3, 7, outcomes, 11, 12, 13));
    model.setNetworkDown(true);

    TickerView v = model.view();
    assertThat(v.rttNanos()).isEqualTo(5_000_000);
    assertThat(v.reconnects()).isEqualTo(3);
    assertThat(v.outboxMessages()).isEqualTo(7);
    assertThat(v.drops()).containsExactly(Map.entry(SendResult.Outcome.OVERFLOW, 2L));
    assertThat(v.networkDown()).isTrue();
    assertThat(v.summary().duplicatesSuppressed()).isEqualTo(11);
    assertThat(v.summary().gapsReplayed()).isEqualTo(12);
    assertThat(v.summary().reconnects()).isEqualTo(3);
  }

  @Test
  void symbolsKeepTheirOrderAndAreNotAddedTwice() {
    assertThat(model.addSymbol("B")).isTrue();
    assertThat(model.addSymbol("A")).isTrue();
    assertThat(model.addSymbol("B")).isFalse();
    assertThat(model.symbols()).containsExactly("B", "A");
    model.focus("A");
    assertThat(model.removeSymbol("A")).isTrue();
    assertThat(model.removeSymbol("A")).isFalse();
    assertThat(model.view().focused()).isNull();
  }

  // ---------------------------------------------------------------- summary

  @Test
  void summaryAsJsonAndText() {
    TickerSummary s = new TickerSummary(1234, 1000, 4, 2, 332, 1, 3, 5, 4, 1, 0, 0, 0, 0);
    assertThat(s.toJson()).isEqualTo("{\"received\":1234,\"trades\":1000,\"duplicatesSuppressed\":4,"
        + "\"gapsReplayed\":2,\"replayed\":332,\"discontinuities\":1,\"reconnects\":3,\"alertsSent\":5,"
        + "\"alertsAcked\":4,\"alertsSuperseded\":1,\"alertsExpired\":0,\"alertsRejected\":0,\"appDuplicates\":0,"
        + "\"appGaps\":0,\"ok\":true}");
    assertThat(s.toText()).isEqualTo(""
        + "received               1234 (1000 trades)\n"
        + "duplicates suppressed  4\n"
        + "gaps replayed          2\n"
        + "replayed messages      332\n"
        + "discontinuities        1\n"
        + "reconnects             3\n"
        + "alerts                 sent 5, acked 4, superseded 1, expired 0, rejected 0\n"
        + "application saw        0 duplicates, 0 gaps (ok)\n");

    TickerSummary broken = new TickerSummary(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1);
    assertThat(broken.toJson()).endsWith(",\"appDuplicates\":2,\"appGaps\":1,\"ok\":false}");
    assertThat(broken.toText()).endsWith("application saw        2 duplicates, 1 gaps (BROKEN)\n");
  }

  @Test
  void aWaitToRetryIsExplainedOnTheEventLine() {
    StateChange lost = TestValues.stateChange(dev.corridor.ConnectionState.CONNECTED,
        dev.corridor.ConnectionState.WAITING_TO_RETRY, StateChange.Cause.CONNECTION_LOST,
        dev.corridor.CorridorException.network("connection closed by the server without a close frame", null), 600);
    assertThat(TickerModel.retryExplanation(lost))
        .isEqualTo("link lost: NETWORK: connection closed by the server without a close frame; reconnecting in 0.6s");
    StateChange failed = TestValues.stateChange(dev.corridor.ConnectionState.CONNECTING,
        dev.corridor.ConnectionState.WAITING_TO_RETRY, StateChange.Cause.ATTEMPT_FAILED,
        dev.corridor.CorridorException.network("connection refused", null), 5_800);
    assertThat(TickerModel.retryExplanation(failed)).startsWith("attempt failed: NETWORK: connection refused; next in 5.8s")
        .contains("about one try per 6 s");
    assertThat(TickerModel.retryExplanation(TestValues.stateChange(dev.corridor.ConnectionState.CONNECTING,
        dev.corridor.ConnectionState.CONNECTED, StateChange.Cause.WELCOME_RECEIVED, null, -1))).isNull();
  }
}
