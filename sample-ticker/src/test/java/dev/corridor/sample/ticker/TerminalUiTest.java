package dev.corridor.sample.ticker;

import static dev.corridor.sample.ticker.Fixtures.m;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.sample.ChaosControl;
import dev.corridor.sample.proto.PriceAlert;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jline.terminal.impl.LineDisciplineTerminal;
import org.jline.utils.ScreenTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The full-screen UI against JLine's virtual terminal ({@link ScreenTerminal}: an xterm emulator
 * whose screen can be read back), with a never-connected client.
 */
class TerminalUiTest {
  private static final int COLS = 100;
  private static final int ROWS = 24;

  private final ScreenTerminal.VirtualTerminal vt = virtualTerminal();
  private final LineDisciplineTerminal terminal = vt.terminal();
  private final TickerModel model = Fixtures.knownModel(new AtomicLong());
  private final TickerClient ticker =
      new TickerClient(TickerClient.builder("ws://127.0.0.1:9/v1", null, "ui-test"), model);

  private static ScreenTerminal.VirtualTerminal virtualTerminal() {
    try {
      return ScreenTerminal.withTerminal("ticker-test", "xterm-256color", COLS, ROWS);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void close() throws Exception {
    ticker.close();
    terminal.close();
  }

  /** The screen's rows, trailing spaces removed. */
  private List<String> screen() {
    List<String> rows = new ArrayList<>();
    for (String row : vt.screen().toString().split("\n", -1)) rows.add(row.stripTrailing());
    while (!rows.isEmpty() && rows.get(rows.size() - 1).isEmpty()) rows.remove(rows.size() - 1);
    return rows;
  }

  private String lastRow() {
    String[] rows = vt.screen().toString().split("\n");
    return rows[ROWS - 1].stripTrailing();
  }

  private static void type(TerminalUi ui, String text) {
    for (char c : text.toCharArray()) ui.onKey(c);
  }

  @Test
  void aFrameShowsTheTableAlertsAndHelp() {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    ui.frame();

    List<String> screen = screen();
    assertThat(screen).contains(
        "CONNECTED  rtt 12ms  msgs/s 120  reconnects 2  outbox 1  rejected 1",
        "chaos unavailable (client only)",
        "  SYMBOL    LAST      CHG    %CHG        BID/ASK  TRADES  TREND",
        "> AAPL    189.25    +1.25  +0.66%  189.20/189.30      42  ▁▃▅█",
        " *MSFT    405.50    -4.50  -1.10%  405.45/405.55       0  ▄",
        "  nok-1  NOK   > 4.1000  TRIGGERED at 4.1234");
    assertThat(lastRow()).isEqualTo(Renderer.HELP);
  }

  @Test
  void framesFollowTheModel() {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    ui.frame();
    model.onQuote(Fixtures.quote("AAPL", "187.00", "188.00", "186.90", "187.10", 10), false);
    ui.frame();

    assertThat(screen()).anySatisfy(row ->
        assertThat(row).startsWith("> AAPL    187.00    -1.00  -0.53%  186.90/187.10      42  "));
  }

  @Test
  void addAndRemoveASymbolThroughThePrompt() {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    ui.onKey('a');
    type(ui, "ibmx");
    ui.onKey(127); // backspace
    ui.frame();
    assertThat(lastRow()).isEqualTo("add symbol: ibm");

    ui.onKey('\r');
    ui.frame();
    assertThat(model.symbols()).containsExactly("AAPL", "MSFT", "NOK", "TSLA", "IBM");
    assertThat(screen()).contains("added IBM").anySatisfy(row -> assertThat(row).startsWith("  IBM "));

    ui.onKey('r'); // prefilled with the selected row: AAPL
    ui.frame();
    assertThat(lastRow()).isEqualTo("remove symbol: AAPL");
    ui.onKey('\r');
    assertThat(model.symbols()).containsExactly("MSFT", "NOK", "TSLA", "IBM");

    ui.onKey('a');
    type(ui, "zzz");
    ui.onKey(TerminalUi.KEY_ESC); // cancelled
    ui.frame();
    assertThat(model.symbols()).doesNotContain("ZZZ");
    assertThat(lastRow()).isEqualTo(Renderer.HELP);
  }

  @Test
  void aSymbolTheFeedDoesNotPublishIsRefusedWithTheReasonNotLeftAsDashes() {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    ui.onKey('a');
    type(ui, "ibm\r");
    ui.frame();
    assertThat(screen()).contains("added IBM")
        .anySatisfy(row -> assertThat(row).startsWith("  IBM ").endsWith("waiting for the first quote"));

    // What the SDK reports when the server answers the Subscribe with UNKNOWN_TOPIC.
    ticker.onRefused("quotes.IBM", "UNKNOWN_TOPIC", "unknown topic: quotes.IBM (this feed serves AAPL MSFT)");
    ui.frame();
    assertThat(model.symbols()).doesNotContain("IBM");
    assertThat(screen()).contains("IBM not added: unknown topic: quotes.IBM (this feed serves AAPL MSFT)")
        .noneSatisfy(row -> assertThat(row).startsWith("  IBM "));
  }

  @Test
  void setAnAlertAndReportABadOne() {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    ui.onKey('l');
    type(ui, "x1 msft < 400.5");
    ui.onKey('\r');
    ui.frame();

    assertThat(model.view().alerts()).contains(new AlertRow("x1", "MSFT",
        PriceAlert.Direction.BELOW, m("400.5"), AlertStatus.PENDING, ""));
    assertThat(screen()).contains("  x1     MSFT  < 400.50  PENDING", "alert x1 sent: MSFT < 400.50");

    ui.onKey('l');
    type(ui, "x2 msft = 1");
    ui.onKey('\n');
    ui.frame();
    assertThat(screen()).contains("direction must be > or <: =");
  }

  @Test
  void arrowsSelectAndFocusSendsTheSelectedSymbol() {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    ui.onKey(TerminalUi.KEY_DOWN);
    ui.onKey(TerminalUi.KEY_DOWN);
    ui.onKey('f');
    ui.frame();
    assertThat(model.view().focused()).isEqualTo("NOK");
    assertThat(screen()).contains(">*NOK     4.1234  +0.0734  +1.81%  4.1200/4.1300       0  ▄", "focus NOK");

    for (int i = 0; i < 10; i++) ui.onKey(TerminalUi.KEY_DOWN);
    ui.onKey(TerminalUi.KEY_UP);
    ui.onKey('f');
    assertThat(model.view().focused()).isEqualTo("NOK"); // last row is TSLA; one up is NOK
  }

  @Test
  void withoutChaosTheChaosKeysSaySo() {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    ui.onKey('k');
    ui.frame();
    assertThat(screen()).contains("chaos unavailable");
    ui.onKey('3');
    ui.frame();
    assertThat(screen()).contains("chaos unavailable");
  }

  @Test
  void chaosKeysToggleModesInEnumOrderAndKill() {
    FakeChaos chaos = new FakeChaos();
    TerminalUi ui = new TerminalUi(terminal, ticker, chaos);
    ui.onKey('1');
    ui.onKey('4');
    ui.onKey('k');
    ui.frame();

    assertThat(chaos.enabled).containsExactly(ChaosControl.Mode.KILL, ChaosControl.Mode.RESTART_LOSE_SESSIONS);
    assertThat(chaos.kills).isEqualTo(1);
    assertThat(screen()).contains("k: killed every connection now (no close frame); the client reconnects on its own",
        "chaos  1:kill 2:stall 3:restart 4:restart-lose 5:delay-acks 6:drop-acks 7:trim",
        "next:  kill in 2.0s (every 4-8 s)  restart-lose in 2.0s (every 20-30 s)");

    ui.onKey('1');
    ui.frame();
    assertThat(chaos.enabled).containsExactly(ChaosControl.Mode.RESTART_LOSE_SESSIONS);
    assertThat(screen()).contains("kill off", "next:  restart-lose in 2.0s (every 20-30 s)");
    ui.onKey('2');
    ui.frame();
    assertThat(screen()).contains("stall on: a connection goes silent but stays open; the heartbeat must notice",
        "next:  stall in 2.0s (every 12-20 s)  restart-lose in 2.0s (every 20-30 s)");
    ui.onKey('8'); // no eighth mode: ignored
    assertThat(chaos.enabled).containsExactly(ChaosControl.Mode.STALL, ChaosControl.Mode.RESTART_LOSE_SESSIONS);
  }

  @Test
  void nTogglesTheSimulatedNetwork() {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    ui.onKey('n');
    ui.frame();
    assertThat(ticker.network().isAvailable()).isFalse();
    assertThat(screen()).contains("network down (simulated)", "app check ok  network DOWN (simulated)");
    ui.onKey('n');
    assertThat(ticker.network().isAvailable()).isTrue();
  }

  @Test
  void runTakesOverTheScreenAndRestoresItOnQuit() throws Exception {
    terminal.writer().print("shell$ ");
    terminal.flush();
    terminal.enterRawMode();
    var before = terminal.getAttributes();
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    terminal.processInputBytes("aibm\rq".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    ui.run(); // returns once the key thread has read q

    assertThat(model.symbols()).contains("IBM");
    assertThat(screen()).containsExactly("shell$"); // back on the main screen
    assertThat(terminal.getAttributes().toString()).isEqualTo(before.toString());
  }

  @Test
  void ctrlCQuits() throws Exception {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
      try {
        ui.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(ui.started().await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(screen()).contains(Renderer.HELP); // the alternate screen shows the ticker

    terminal.processInputByte(3);

    running.get(5, TimeUnit.SECONDS);
    assertThat(screen()).doesNotContain(Renderer.HELP);
  }

  @Test
  void stopFromAnotherThreadEndsRun() throws Exception {
    TerminalUi ui = new TerminalUi(terminal, ticker, null);
    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
      try {
        ui.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(ui.started().await(5, TimeUnit.SECONDS)).isTrue();
    ui.stop();
    running.get(5, TimeUnit.SECONDS);
  }

  @Test
  void onlyTerminalsThatAddressTheCursorAreSupported() throws Exception {
    assertThat(TerminalUi.supports(terminal)).isTrue();
    try (var dumb = new org.jline.terminal.impl.DumbTerminal(
        new java.io.ByteArrayInputStream(new byte[0]), new java.io.ByteArrayOutputStream())) {
      assertThat(TerminalUi.supports(dumb)).isFalse();
    }
  }

  @Test
  void alertCommandsParse() {
    assertThat(TerminalUi.AlertCommand.parse(" a1  aapl > 190.5 ")).isEqualTo(
        new TerminalUi.AlertCommand("a1", "AAPL", PriceAlert.Direction.ABOVE, m("190.5")));
    assertThat(TerminalUi.AlertCommand.parse("a2 MSFT below 400").direction())
        .isEqualTo(PriceAlert.Direction.BELOW);
  }

  /** Records what the UI asks of the chaos control. */
  private static final class FakeChaos implements ChaosControl {
    final Set<Mode> enabled = EnumSet.noneOf(Mode.class);
    int kills;

    @Override
    public synchronized void set(Mode mode, boolean on) {
      if (on) enabled.add(mode);
      else enabled.remove(mode);
    }

    @Override
    public synchronized boolean isEnabled(Mode mode) {
      return enabled.contains(mode);
    }

    @Override
    public synchronized long nextEventInMillis(Mode mode) {
      return enabled.contains(mode) && mode.isEvent() ? 2_000 : -1;
    }

    @Override
    public synchronized void killNow() {
      kills++;
    }

    @Override
    public synchronized String describe() {
      if (enabled.isEmpty()) return "off";
      List<String> names = new ArrayList<>();
      for (Mode m : enabled) names.add(m.name().toLowerCase(Locale.ROOT));
      return String.join(" ", names);
    }
  }
}
