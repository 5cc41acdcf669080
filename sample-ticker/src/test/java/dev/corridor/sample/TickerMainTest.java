package dev.corridor.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The command line: bad input gets one line with the fix and a non-zero exit; runs end cleanly. */
class TickerMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return TickerMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void unknownOptionIsOneLineWithTheFix() {
    assertThat(run("--frobnicate")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: unknown option --frobnicate. Fix: run with --help to see the options\n");
  }

  @Test
  void badUrlIsRejected() {
    assertThat(run("--connect", "ftp://example.com")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).startsWith("error: bad URL ftp://example.com").contains("Fix: give a ws://");
    assertThat(err().lines().count()).isEqualTo(1);
  }

  @Test
  void missingAndMalformedValuesAreRejected() {
    assertThat(run("--port")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).contains("--port needs a value");
    err.reset();
    assertThat(run("--port", "99999")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).contains("is not a number from 0 to 65535");
    err.reset();
    assertThat(run("--chaos", "meteor")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: unknown chaos mode meteor. Fix: use any of kill, stall, restart, "
        + "restart-lose, delay-acks, drop-acks, trim\n");
    err.reset();
    assertThat(run("--server", "--connect", "ws://x/v1")).isEqualTo(TickerMain.USAGE);
  }

  @Test
  void symbolsThatNameNothingAreRefused() {
    assertThat(run("--symbols", "")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: --symbols '' names no symbol. Fix: write e.g. --symbols AAPL,MSFT\n");
    err.reset();
    assertThat(run("--symbols", ",,,")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: --symbols ',,,' names no symbol. Fix: write e.g. --symbols AAPL,MSFT\n");
    err.reset();
    assertThat(run("--symbols", "AAPL,A B")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).startsWith("error: --symbols: 'A B' is not a symbol. Fix: ");
  }

  @Test
  void symbolsAreUpperCasedAndDeduplicated() throws Exception {
    assertThat(CommandLine.parse(new String[] {"--symbols", " aapl,,MSFT,AAPL "}).symbols).containsExactly("AAPL", "MSFT");
  }

  @Test
  void anEmptyChaosListGetsAClearMessage() {
    assertThat(run("--chaos", "")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: --chaos '' names no mode. Fix: write e.g. --chaos kill,stall (modes: "
        + "kill, stall, restart, restart-lose, delay-acks, drop-acks, trim)\n");
  }

  @Test
  void chaosModesGoByTheirLabelsAndTheOlderLongNames() throws Exception {
    assertThat(CommandLine.parse(new String[] {"--chaos", "kill,restart-lose-sessions,trim-history,delay_acks,trim"}).chaos)
        .containsExactly(ChaosControl.Mode.KILL, ChaosControl.Mode.RESTART_LOSE_SESSIONS,
            ChaosControl.Mode.TRIM_HISTORY, ChaosControl.Mode.DELAY_ACKS);
    assertThat(CommandLine.HELP).contains("--chaos kill,stall,restart,restart-lose,delay-acks,drop-acks,trim");
  }

  @Test
  void chaosWithoutTheEmbeddedFeedIsRefused() {
    assertThat(run("--connect", "ws://127.0.0.1:9/v1", "--chaos", "kill")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).startsWith("error: --chaos acts on the embedded feed").contains("Fix: ");
  }

  @Test
  void aPortOutOfRangeSuggestsAFreePortNotAPrivilegedOne() {
    assertThat(run("--port", "70000")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: --port 70000 is not a number from 0 to 65535. "
        + "Fix: write e.g. --port 8080, or --port 0 for a free port\n");
  }

  @Test
  void aHostThatCannotBeResolvedIsOneLineWithTheFix() {
    assertThat(run("--server", "--host", "999.1.1.1", "--duration", "1")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: --host 999.1.1.1 is not an address or name this machine can resolve. "
        + "Fix: use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)\n");
    assertThat(out()).isEmpty();
  }

  @Test
  void aHostThatIsNotThisMachinesIsOneLineWithTheFix() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): a valid address that no machine here has.
    assertThat(run("--host", "192.0.2.1", "--plain", "--duration", "1")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: cannot listen on 192.0.2.1: it is not an address of this machine. "
        + "Fix: use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)\n");
  }

  @Test
  void jsonWithoutADurationOnAPipeIsRefused() {
    assertThat(run("--json")).isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: --json prints one summary when the run ends, and on a pipe only a signal "
        + "ends it, which stops the reading end too. Fix: add --duration S, e.g. --duration 30\n");
    assertThat(CommandLine.HELP).contains("--json (the summary as JSON; on a pipe it needs --duration)");
  }

  @Test
  void ctrlCInJsonModePrintsTheSummary() throws Exception {
    assertThat(interruptedRun("--json", "--duration", "600", "--symbols", "AAPL")).isEqualTo(TickerMain.OK);
    String json = out().strip();
    assertThat(json).startsWith("{\"received\":").endsWith("\"ok\":true}");
    assertThat(json.lines().count()).isEqualTo(1);
  }

  @Test
  void ctrlCInPlainModePrintsTheSummaryOnce() throws Exception {
    assertThat(interruptedRun("--plain", "--symbols", "AAPL")).isEqualTo(TickerMain.OK);
    assertThat(out()).containsOnlyOnce("application saw        0 duplicates, 0 gaps (ok)");
  }

  /**
   * Runs the ticker with {@code args} on another thread, and once it is running presses Ctrl-C:
   * runs the hook it registered, as the JVM would on SIGINT. Returns the exit code.
   */
  private int interruptedRun(String... args) throws Exception {
    CompletableFuture<Runnable> hook = new CompletableFuture<>();
    AtomicBoolean removed = new AtomicBoolean();
    TickerMain.ShutdownHooks hooks = h -> {
      hook.complete(h);
      return () -> removed.set(true);
    };
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> TickerMain.run(args,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        false, hooks));
    hook.get(30, TimeUnit.SECONDS).run();
    int code = exit.get(30, TimeUnit.SECONDS);
    assertThat(removed).as("the hook is removed when the run ends").isTrue();
    assertThat(err()).isEmpty();
    return code;
  }

  @Test
  void theServerListsItsTopicsWithTheSymbolsItServes() {
    assertThat(run("--server", "--symbols", "AAPL,ibm", "--duration", "1")).isEqualTo(TickerMain.OK);
    assertThat(out()).startsWith("Corridor demo feed on ws://127.0.0.1:")
        .contains(", chaos: off, seed 42. Ctrl-C to stop.\n" + String.join("\n", Topics.catalog(List.of("AAPL", "IBM"))));
    assertThat(out()).contains("Symbols: AAPL IBM", "quotes.<SYM>", "trades.<SYM>", "alert-events.<client id>",
        "alerts ", "intents ", "request snapshot", "UNKNOWN_TOPIC");
  }

  @Test
  void portInUseIsReported() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(run("--server", "--port", String.valueOf(taken.getLocalPort()), "--duration", "1"))
          .isEqualTo(TickerMain.USAGE);
      assertThat(err()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use")
          .contains("Fix: choose another with --port");
    }
  }

  @Test
  void unreachableServerIsReportedWithTheFix() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    assertThat(run("--connect", "ws://127.0.0.1:" + port + "/v1", "--plain", "--duration", "1"))
        .isEqualTo(TickerMain.CANNOT_CONNECT);
    assertThat(err()).startsWith("error: cannot reach ws://127.0.0.1:" + port + "/v1")
        .contains("Fix: check the URL, or start a feed with --server");
  }

  @Test
  void wrongTokenIsReportedWithTheFix() throws Exception {
    CommandLine.Options o = CommandLine.parse(new String[] {"--token", "right"});
    try (DemoServer server = TickerMain.startServer(o, line -> { })) {
      assertThat(run("--connect", server.url(), "--token", "wrong", "--plain", "--duration", "1"))
          .isEqualTo(TickerMain.CANNOT_CONNECT);
      assertThat(err()).contains("refused the token (HTTP 401)").contains("Fix: pass the server's token with --token");
    }
  }

  @Test
  void plainRunPrintsStatusLinesAndASummaryAndExitsZero() {
    assertThat(run("--plain", "--duration", "2", "--symbols", "AAPL,MSFT", "--rate", "10")).isEqualTo(TickerMain.OK);
    String text = out();
    assertThat(text).contains("CONNECTED").contains("AAPL").contains("MSFT");
    assertThat(text).contains("application saw        0 duplicates, 0 gaps (ok)");
    assertThat(err()).isEmpty();
  }

  @Test
  void jsonSummaryIsOneObject() {
    assertThat(run("--duration", "1", "--json", "--symbols", "AAPL")).isEqualTo(TickerMain.OK);
    String json = out().strip();
    assertThat(json).startsWith("{\"received\":").endsWith("\"ok\":true}");
    assertThat(json.lines().count()).isEqualTo(1);
  }

  @Test
  void helpListsTheModes() {
    assertThat(run("--help")).isEqualTo(TickerMain.OK);
    assertThat(out()).contains("--server").contains("--connect URL").contains("--duration S");
  }
}
