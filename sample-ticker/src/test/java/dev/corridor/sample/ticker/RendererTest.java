package dev.corridor.sample.ticker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.StateChange;
import dev.corridor.sample.ChaosControl;
import dev.corridor.testing.TestValues;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

class RendererTest {
  private final AtomicLong clock = new AtomicLong();
  private final TickerModel model = Fixtures.knownModel(clock);
  private final Renderer.UiState ui =
      new Renderer.UiState(0, Map.of(ChaosControl.Mode.KILL, 2_100L, ChaosControl.Mode.DELAY_ACKS, -1L), null, null);

  @Test
  void theWholeScreenOfAKnownModel() {
    assertThat(Renderer.renderPlain(model.view(), ui, 100, 22)).containsExactly(
        "CONNECTED  rtt 12ms  msgs/s 120  reconnects 2  outbox 1  rejected 1",
        "replays 3  discontinuities 1  drops expired 2, superseded 1",
        "app check ok  network up",
        "chaos  1:kill 2:stall 3:restart 4:restart-lose 5:delay-acks 6:drop-acks 7:trim",
        "next:  kill in 2.1s (every 4-8 s)  delay-acks on",
        "",
        "  SYMBOL    LAST      CHG    %CHG        BID/ASK  TRADES  TREND",
        "> AAPL    189.25    +1.25  +0.66%  189.20/189.30      42  ▁▃▅█",
        " *MSFT    405.50    -4.50  -1.10%  405.45/405.55       0  ▄",
        "  NOK     4.1234  +0.0734  +1.81%  4.1200/4.1300       0  ▄",
        "  TSLA         -        -       -              -       0  waiting for the first quote",
        "",
        "ALERTS  sent 4  acked 2  superseded 0  expired 0  rejected 1",
        "  a1     AAPL  > 190.00  ACKNOWLEDGED",
        "  a2     MSFT  < 400.00  PENDING",
        "  nok-1  NOK   > 4.1000  TRIGGERED at 4.1234",
        "  b7     TSLA  > 300.00  REJECTED unknown symbol TSLA; this feed serves AAPL MSFT NOK",
        "",
        "",
        "",
        "alert b7 rejected: unknown symbol TSLA; this feed serves AAPL MSFT NOK",
        Renderer.HELP);
  }

  @Test
  void theStatusLineHasPlainModesFieldsInPlainModesOrder() {
    TickerView v = model.view();
    String plain = PlainReporter.statusLine(v);
    assertThat(plain).startsWith(Renderer.renderPlain(v, ui, 200, 22).get(0) + "  |  AAPL");
  }

  @Test
  void chaosNamesInTheLegendAndTheNextEventLineAreTheModesLabels() {
    Renderer.UiState everything = new Renderer.UiState(0, Map.of(ChaosControl.Mode.RESTART_LOSE_SESSIONS, 0L,
        ChaosControl.Mode.TRIM_HISTORY, 12_340L, ChaosControl.Mode.DROP_ACKS, -1L), null, null);
    List<String> lines = Renderer.renderPlain(model.view(), everything, 120, 22);
    assertThat(lines.get(4)).isEqualTo("next:  restart-lose in 0.0s (every 20-30 s)  drop-acks on"
        + "  trim in 12.3s (every 4-8 s)");
    for (ChaosControl.Mode m : ChaosControl.Mode.values()) {
      assertThat(lines.get(3)).contains((m.ordinal() + 1) + ":" + m.label());
    }
    assertThat(Renderer.renderPlain(model.view(), new Renderer.UiState(0, Map.of(), null, null), 100, 22).get(4))
        .isEqualTo("chaos off: 1-7 switch a fault on, k kills the connection now");
  }

  @Test
  void aChaosNoticeSaysWhatTheModeDoes() {
    assertThat(Renderer.chaosNotice(ChaosControl.Mode.STALL, true))
        .isEqualTo("stall on: a connection goes silent but stays open; the heartbeat must notice");
    assertThat(Renderer.chaosNotice(ChaosControl.Mode.DELAY_ACKS, true))
        .isEqualTo("delay-acks on: holds every publish ack for 3 s");
    assertThat(Renderer.chaosNotice(ChaosControl.Mode.RESTART, false)).isEqualTo("restart off");
    for (ChaosControl.Mode m : ChaosControl.Mode.values()) {
      assertThat(Renderer.chaosNotice(m, true)).as("fits an 80-column terminal").hasSizeLessThanOrEqualTo(80);
    }
  }

  @Test
  void risingIsGreenAndFallingRed() {
    List<AttributedString> lines = Renderer.render(model.view(), ui, 100, 22);
    AttributedString aapl = lines.get(7);
    AttributedString msft = lines.get(8);
    int aaplLast = aapl.toString().indexOf("189.25");
    int msftChange = msft.toString().indexOf("-4.50");
    assertThat(aapl.styleAt(aaplLast)).isEqualTo(AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN).bold());
    assertThat(msft.styleAt(msftChange)).isEqualTo(AttributedStyle.DEFAULT.foreground(AttributedStyle.RED));
    assertThat(aapl.toAnsi()).contains("\u001b[");
  }

  @Test
  void statusShowsRetryCountdownNetworkErrorsAndBrokenChecks() {
    model.onStateChange(TestValues.stateChange(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RETRY,
        StateChange.Cause.CONNECTION_LOST, new dev.corridor.CorridorException(
            dev.corridor.CorridorException.Kind.NETWORK, "link reset"), 2500));
    clock.addAndGet(1300);
    model.setNetworkDown(true);
    model.onTrade("AAPL", 1, 42, false); // a duplicate, as the application sees it

    List<String> lines = Renderer.renderPlain(model.view(), Renderer.UiState.NONE, 200, 20);
    // Not connected: the RTT and the rate of the lost connection are not shown as current.
    assertThat(lines.get(0)).isEqualTo("WAITING_TO_RETRY (retry in 1.2s) [network down]  rtt -  msgs/s -"
        + "  reconnects 2  outbox 1  rejected 1");
    assertThat(lines.get(2)).isEqualTo("app check 1 duplicates, 0 gaps  network DOWN (simulated)"
        + "  last error: NETWORK: link reset");
    assertThat(lines.get(3)).isEqualTo("chaos unavailable (client only)");
    assertThat(lines.get(4)).isEmpty();
    assertThat(lines.get(7)).startsWith("  AAPL"); // nothing selected
  }

  @Test
  void promptReplacesTheHelpLineAndNoticeTheLastEvent() {
    Renderer.UiState prompting = new Renderer.UiState(1, null, "add symbol: IB", "chaos unavailable");
    List<String> lines = Renderer.renderPlain(model.view(), prompting, 100, 22);
    assertThat(lines.get(20)).isEqualTo("chaos unavailable");
    assertThat(lines.get(21)).isEqualTo("add symbol: IB");
    assertThat(lines.get(8)).isEqualTo(">*MSFT    405.50    -4.50  -1.10%  405.45/405.55       0  ▄");
  }

  @Test
  void aSmallWindowClipsWidthAndHidesWhatDoesNotFit() {
    List<String> lines = Renderer.renderPlain(model.view(), ui, 30, 11);
    assertThat(lines).hasSize(11);
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(30));
    assertThat(lines.get(0)).isEqualTo("CONNECTED  rtt 12ms  msgs/s 12");
    assertThat(lines.get(6)).isEqualTo("  SYMBOL    LAST      CHG    %");
    assertThat(lines.get(7)).isEqualTo("> AAPL    189.25    +1.25  +0.");
    assertThat(lines.get(8)).isEqualTo("  ... 9 more lines (enlarge th");
    assertThat(lines.get(10)).isEqualTo(Renderer.HELP.substring(0, 30).stripTrailing());

    assertThat(Renderer.renderPlain(model.view(), ui, 80, 3)).hasSize(3).endsWith(Renderer.HELP.stripTrailing());
  }

  @Test
  void emptyModel() {
    TickerModel empty = new TickerModel(clock::get);
    assertThat(Renderer.renderPlain(empty.view(), Renderer.UiState.NONE, 80, 13)).containsExactly(
        "IDLE  rtt -  msgs/s -  reconnects 0  outbox 0  rejected 0",
        "replays 0  discontinuities 0  drops none",
        "app check ok  network up",
        "chaos unavailable (client only)",
        "",
        "",
        "  SYMBOL  LAST  CHG  %CHG  BID/ASK  TRADES  TREND",
        "  no symbols: press a to add one",
        "",
        "ALERTS  sent 0  acked 0  superseded 0  expired 0  rejected 0",
        "  none yet: press l to set one",
        "",
        Renderer.HELP);
  }
}
