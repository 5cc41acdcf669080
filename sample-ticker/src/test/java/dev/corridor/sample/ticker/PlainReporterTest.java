package dev.corridor.sample.ticker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.StateChange;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PlainReporterTest {
  private static final String NL = System.lineSeparator();
  private final AtomicLong clock = new AtomicLong();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void statusLineOfAKnownModel() {
    TickerModel model = Fixtures.knownModel(clock);
    assertThat(PlainReporter.statusLine(model.view())).isEqualTo("CONNECTED  rtt 12ms  msgs/s 120  reconnects 2"
        + "  outbox 1  rejected 1  |  AAPL 189.25  MSFT 405.50  NOK 4.1234  TSLA -");
  }

  @Test
  void statusLineWhileWaitingOfflineAndWithABrokenCheck() {
    TickerModel model = new TickerModel(clock::get);
    model.addSymbol("AAPL");
    model.onTrade("AAPL", 1, 1, false);
    model.onTrade("AAPL", 1, 3, false);
    model.onStateChange(Fixtures.change(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RETRY,
        StateChange.Cause.HEARTBEAT_TIMEOUT, 2500));
    model.setNetworkDown(true);

    assertThat(PlainReporter.statusLine(model.view())).isEqualTo(
        "WAITING_TO_RETRY (retry in 2.5s) [network down]  rtt -  msgs/s -  reconnects 0  outbox 0  rejected 0"
            + "  APP CHECK: 0 duplicates, 1 gaps  |  AAPL -");
    assertThat(PlainReporter.statusLine(new TickerModel(clock::get).view()))
        .isEqualTo("IDLE  rtt -  msgs/s -  reconnects 0  outbox 0  rejected 0");
  }

  @Test
  void printsOneLineAndTheSummaryAsTextOrJson() {
    TickerModel model = Fixtures.knownModel(clock);
    PlainReporter reporter = new PlainReporter(model, out);

    reporter.printLine();
    reporter.printSummary(false);
    reporter.printSummary(true);
    reporter.close();

    assertThat(printed()).isEqualTo(
        "# discontinuity on trades.MSFT (HISTORY_TRIMMED)" + NL
            + "# alert nok-1 triggered: NOK at 4.1234" + NL
            + "# alert b7 rejected: unknown symbol TSLA; this feed serves AAPL MSFT NOK" + NL
            + "CONNECTED  rtt 12ms  msgs/s 120  reconnects 2  outbox 1  rejected 1  |  AAPL 189.25  MSFT 405.50"
            + "  NOK 4.1234  TSLA -" + NL
            + "received               49 (42 trades)\n"
            + "duplicates suppressed  4\n"
            + "gaps replayed          2\n"
            + "replayed messages      3\n"
            + "discontinuities        1\n"
            + "reconnects             2\n"
            + "alerts                 sent 4, acked 2, superseded 0, expired 0, rejected 1\n"
            + "application saw        0 duplicates, 0 gaps (ok)\n"
            + "{\"received\":49,\"trades\":42,\"duplicatesSuppressed\":4,\"gapsReplayed\":2,\"replayed\":3,"
            + "\"discontinuities\":1,\"reconnects\":2,\"alertsSent\":4,\"alertsAcked\":2,"
            + "\"alertsSuperseded\":0,\"alertsExpired\":0,\"alertsRejected\":1,\"appDuplicates\":0,\"appGaps\":0,"
            + "\"ok\":true}" + NL);
  }

  @Test
  void eachEventIsPrintedOnceBeforeTheNextStatusLine() {
    TickerModel model = new TickerModel(clock::get);
    PlainReporter reporter = new PlainReporter(model, out);
    model.note("chaos: killed a connection (no close frame)");
    reporter.printLine();
    reporter.printLine();
    model.onSymbolRefused("IBM", "unknown topic: quotes.IBM (this feed serves AAPL)");
    reporter.printLine();

    assertThat(printed()).isEqualTo("# chaos: killed a connection (no close frame)" + NL
        + "IDLE  rtt -  msgs/s -  reconnects 0  outbox 0  rejected 0" + NL
        + "IDLE  rtt -  msgs/s -  reconnects 0  outbox 0  rejected 0" + NL
        + "# IBM not added: unknown topic: quotes.IBM (this feed serves AAPL)" + NL
        + "IDLE  rtt -  msgs/s -  reconnects 0  outbox 0  rejected 0" + NL);
  }

  @Test
  void eventsTooManyToKeepAreCounted() {
    TickerModel model = new TickerModel(clock::get);
    PlainReporter reporter = new PlainReporter(model, out);
    for (int i = 1; i <= ModelEvents.KEPT + 3; i++) model.note("event " + i);
    reporter.printLine();

    List<String> lines = printed().lines().toList();
    assertThat(lines.get(0)).isEqualTo("# (3 more events)");
    assertThat(lines.get(1)).isEqualTo("# event 4");
    assertThat(lines).hasSize(ModelEvents.KEPT + 2);
  }
}
