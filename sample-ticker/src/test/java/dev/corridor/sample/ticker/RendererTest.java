package dev.corridor.sample.ticker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.StateChange;
import dev.corridor.sample.ChaosControl;
import dev.corridor.testing.TestValues;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

class RendererTest {
  private final AtomicLong clock = new AtomicLong();
  private final TickerModel model = Fixtures.knownModel(clock);
  private final Renderer.UiState ui =
      new Renderer.UiState(0, "kill", EnumSet.of(ChaosControl.Mode.KILL), null, null);

  @Test
  void theWholeScreenOfAKnownModel() {
    assertThat(Renderer.renderPlain(model.view(), ui, 100, 20)).containsExactly(
        "CONNECTED  rtt 12ms  reconnects 2  outbox 1  msgs/s 120",
        "replays 3  discontinuities 1  drops expired 2, superseded 1",
        "app check ok  network up",
        "chaos kill  1:kill 2:stall 3:restart 4:restart-lose 5:delay-acks 6:drop-acks 7:trim",
        "",
        "  SYMBOL    LAST      CHG    %CHG        BID/ASK  TRADES  TREND",
        "> AAPL    189.25    +1.25  +0.66%  189.20/189.30      42  ▁▃▅█",
        " *MSFT    405.50    -4.50  -1.10%  405.45/405.55       0  ▄",
        "  NOK     4.1234  +0.0734  +1.81%  4.1200/4.1300       0  ▄",
        "  TSLA         -        -       -              -       0",
        "",
        "ALERTS  sent 4  acked 2  superseded 0  expired 0",
        "  a1     AAPL  > 190.00  ACKNOWLEDGED",
        "  a2     MSFT  < 400.00  PENDING",
        "  nok-1  NOK   > 4.1000  TRIGGERED at 4.1234",
        "  b7     TSLA  > 300.00  REJECTED UNKNOWN_SYMBOL",
        "",
        "",
        "alert nok-1 triggered: NOK at 4.1234",
        Renderer.HELP);
  }

  @Test
  void risingIsGreenAndFallingRed() {
    List<AttributedString> lines = Renderer.render(model.view(), ui, 100, 20);
    AttributedString aapl = lines.get(6);
    AttributedString msft = lines.get(7);
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
    assertThat(lines.get(0)).isEqualTo("WAITING_TO_RETRY (retry in 1.2s)  rtt 12ms  reconnects 2  outbox 1  msgs/s 120");
    assertThat(lines.get(2)).isEqualTo("app check 1 duplicates, 0 gaps  network DOWN (simulated)"
        + "  last error: NETWORK: link reset");
    assertThat(lines.get(3)).isEqualTo("chaos unavailable (client only)");
    assertThat(lines.get(6)).startsWith("  AAPL"); // nothing selected
  }

  @Test
  void promptReplacesTheHelpLineAndNoticeTheLastEvent() {
    Renderer.UiState prompting = new Renderer.UiState(1, null, Set.of(), "add symbol: IB", "chaos unavailable");
    List<String> lines = Renderer.renderPlain(model.view(), prompting, 100, 20);
    assertThat(lines.get(18)).isEqualTo("chaos unavailable");
    assertThat(lines.get(19)).isEqualTo("add symbol: IB");
    assertThat(lines.get(7)).isEqualTo(">*MSFT    405.50    -4.50  -1.10%  405.45/405.55       0  ▄");
  }

  @Test
  void aSmallWindowClipsWidthAndHidesWhatDoesNotFit() {
    List<String> lines = Renderer.renderPlain(model.view(), ui, 30, 10);
    assertThat(lines).hasSize(10);
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(30));
    assertThat(lines.get(0)).isEqualTo("CONNECTED  rtt 12ms  reconnect");
    assertThat(lines.get(5)).isEqualTo("  SYMBOL    LAST      CHG    %");
    assertThat(lines.get(6)).isEqualTo("> AAPL    189.25    +1.25  +0.");
    assertThat(lines.get(7)).isEqualTo("  ... 9 more lines (enlarge th");
    assertThat(lines.get(9)).isEqualTo(Renderer.HELP.substring(0, 30).stripTrailing());

    assertThat(Renderer.renderPlain(model.view(), ui, 80, 3)).hasSize(3).endsWith(Renderer.HELP.stripTrailing());
  }

  @Test
  void emptyModel() {
    TickerModel empty = new TickerModel(clock::get);
    assertThat(Renderer.renderPlain(empty.view(), Renderer.UiState.NONE, 80, 12)).containsExactly(
        "IDLE  rtt -  reconnects 0  outbox 0  msgs/s 0",
        "replays 0  discontinuities 0  drops none",
        "app check ok  network up",
        "chaos unavailable (client only)",
        "",
        "  SYMBOL  LAST  CHG  %CHG  BID/ASK  TRADES  TREND",
        "  no symbols: press a to add one",
        "",
        "ALERTS  sent 0  acked 0  superseded 0  expired 0",
        "  none yet: press l to set one",
        "",
        Renderer.HELP);
  }
}
