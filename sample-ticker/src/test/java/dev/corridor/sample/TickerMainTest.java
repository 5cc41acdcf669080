package dev.corridor.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
    assertThat(err()).contains("unknown chaos mode meteor").contains("kill, stall");
    err.reset();
    assertThat(run("--server", "--connect", "ws://x/v1")).isEqualTo(TickerMain.USAGE);
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
    TickerMain.Options o = TickerMain.parse(new String[] {"--token", "right"});
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
