package dev.corridor.sample;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import dev.corridor.sample.market.MarketFeed;
import dev.corridor.sample.server.ServerConfig;
import dev.corridor.sample.ticker.PlainReporter;
import dev.corridor.sample.ticker.TerminalUi;
import dev.corridor.sample.ticker.TickerClient;
import dev.corridor.sample.ticker.TickerModel;
import java.io.PrintStream;
import java.net.BindException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The sample's command line. With no options: an embedded demo feed on a free loopback port and
 * the live ticker against it. {@code --server}: the feed only. {@code --connect URL}: the ticker
 * only, against any protocol v1 server. Bad input gets one line saying what is wrong and how to
 * fix it, and a non-zero exit.
 */
public final class TickerMain {
  /** Exit codes. */
  static final int OK = 0;
  static final int USAGE = 2;
  static final int CANNOT_CONNECT = 3;

  /**
   * The ticker calls a server unreachable when its first connection has not succeeded after this
   * many failed attempts (a few seconds of backoff) or this long, whichever comes first. Once it
   * has connected, outages are shown live instead.
   */
  static final int FIRST_CONNECT_ATTEMPTS = 3;
  static final long FIRST_CONNECT_MILLIS = 15_000;

  private TickerMain() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err, System.console() != null);
    System.exit(code);
  }

  /** Parsed command line. */
  static final class Options {
    boolean serverOnly;
    String connect;
    String host = "127.0.0.1";
    int port = 0;
    String token;
    List<String> origins = new ArrayList<>();
    List<ChaosControl.Mode> chaos = new ArrayList<>();
    long seed = 42;
    double rate = 4;
    boolean burst;
    List<String> symbols = new ArrayList<>(MarketFeed.DEFAULT_WATCHLIST.keySet());
    boolean plain;
    long durationSeconds = -1;
    boolean json;
    boolean help;
  }

  /** A command-line mistake, with the fix. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String problem, String fix) {
      super(problem + ". Fix: " + fix);
    }
  }

  static Options parse(String[] args) throws UsageException {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--server" -> o.serverOnly = true;
        case "--connect" -> o.connect = value(args, ++i, a);
        case "--host" -> o.host = value(args, ++i, a);
        case "--port" -> o.port = intValue(args, ++i, a, 0, 65535);
        case "--token" -> o.token = value(args, ++i, a);
        case "--origin" -> o.origins.add(value(args, ++i, a));
        case "--chaos" -> {
          for (String m : value(args, ++i, a).split(",")) o.chaos.add(chaosMode(m.trim()));
        }
        case "--seed" -> o.seed = longValue(args, ++i, a);
        case "--rate" -> o.rate = intValue(args, ++i, a, 1, 1000);
        case "--burst" -> o.burst = true;
        case "--symbols" -> {
          o.symbols = new ArrayList<>();
          for (String s : value(args, ++i, a).split(",")) {
            if (!s.isBlank()) o.symbols.add(s.trim().toUpperCase(Locale.ROOT));
          }
        }
        case "--plain" -> o.plain = true;
        case "--duration" -> o.durationSeconds = intValue(args, ++i, a, 1, 86_400);
        case "--json" -> o.json = true;
        case "--help", "-h" -> o.help = true;
        default -> throw new UsageException("unknown option " + a, "run with --help to see the options");
      }
    }
    if (o.serverOnly && o.connect != null) {
      throw new UsageException("--server and --connect exclude each other",
          "use --server to run only the feed, --connect URL to run only the ticker");
    }
    if (o.connect != null) {
      try {
        CorridorClient.builder(o.connect);
      } catch (IllegalArgumentException e) {
        throw new UsageException("bad URL " + o.connect + " (" + e.getMessage() + ")",
            "give a ws:// or wss:// URL, e.g. --connect ws://127.0.0.1:8080/v1");
      }
    }
    return o;
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value", "write " + option + " VALUE");
    }
    return args[i];
  }

  private static int intValue(String[] args, int i, String option, int min, int max) throws UsageException {
    String v = value(args, i, option);
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " " + v + " is not a number from " + min + " to " + max,
          "write e.g. " + option + " " + Math.max(min, 1));
    }
  }

  private static long longValue(String[] args, int i, String option) throws UsageException {
    String v = value(args, i, option);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " " + v + " is not a whole number", "write e.g. " + option + " 7");
    }
  }

  private static ChaosControl.Mode chaosMode(String name) throws UsageException {
    for (ChaosControl.Mode m : ChaosControl.Mode.values()) {
      if (m.name().equalsIgnoreCase(name.replace('-', '_'))) return m;
    }
    throw new UsageException("unknown chaos mode " + name, "use any of kill, stall, restart, "
        + "restart-lose-sessions, delay-acks, drop-acks, trim-history (comma-separated)");
  }

  static final String HELP = String.join("\n",
      "Corridor market ticker: live prices that survive dropped links, stalls and server restarts.",
      "",
      "  (no options)           embedded demo feed + live ticker",
      "  --server               run only the demo feed (use --port to fix its port)",
      "  --connect URL          run only the ticker, against any Corridor protocol v1 server",
      "",
      "Feed:   --host H  --port N  --token T  --origin O  --seed N  --rate N (updates/s/symbol)  --burst",
      "        --chaos kill,stall,restart,restart-lose-sessions,delay-acks,drop-acks,trim-history",
      "Ticker: --symbols AAPL,MSFT  --token T  --plain (one status line per second)",
      "        --duration S (exit after S seconds with a summary)  --json (summary as JSON)",
      "Keys:   a add  r remove  l alert  f focus  k kill link  n network down/up  1-7 chaos  q quit");

  static int run(String[] args, PrintStream out, PrintStream err, boolean tty) {
    Options o;
    try {
      o = parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
    if (o.help) {
      out.println(HELP);
      return OK;
    }
    DemoServer server = null;
    try {
      if (o.connect == null) {
        try {
          server = startServer(o, o.serverOnly ? out::println : line -> { });
        } catch (BindException e) {
          err.println("error: port " + o.port + " on " + o.host + " is in use. Fix: choose another "
              + "with --port, or --port 0 for a free one");
          return USAGE;
        }
      }
      if (o.serverOnly) {
        out.println("Corridor demo feed on " + server.url() + (o.token != null ? " (token required)" : "")
            + ", chaos: " + server.chaos().describe() + ". Ctrl-C to stop.");
        waitFor(o.durationSeconds);
        return OK;
      }
      return runTicker(o, server != null ? server.url() : o.connect, server, out, err, tty);
    } catch (Exception e) {
      err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return 1;
    } finally {
      if (server != null) {
        try {
          server.close();
        } catch (Exception ignored) {
          // exiting anyway
        }
      }
    }
  }

  static DemoServer startServer(Options o, java.util.function.Consumer<String> log) throws Exception {
    ServerConfig config = ServerConfig.defaults().withHost(o.host).withPort(o.port).withToken(o.token)
        .withAllowedOrigins(o.origins);
    Map<String, Double> watchlist = new LinkedHashMap<>();
    for (String s : o.symbols) {
      watchlist.put(s, MarketFeed.DEFAULT_WATCHLIST.getOrDefault(s, 50.0 + Math.abs(s.hashCode() % 400)));
    }
    DemoServer server;
    try {
      server = DemoServer.start(config, watchlist, o.rate, o.seed, log);
    } catch (java.io.IOException e) {
      Throwable cause = e;
      while (cause != null && !(cause instanceof BindException)) cause = cause.getCause();
      if (cause != null) throw (BindException) cause;
      throw e;
    }
    server.market().burst(o.burst);
    for (ChaosControl.Mode m : o.chaos) server.chaos().set(m, true);
    return server;
  }

  private static int runTicker(Options o, String url, DemoServer server, PrintStream out, PrintStream err,
      boolean tty) throws Exception {
    TickerModel model = new TickerModel();
    // The demo shortens the heartbeat so that a stalled (half-open) link is found in about 8 s.
    CorridorClient.Builder builder = TickerClient.builder(url, o.token, null)
        .heartbeatInterval(5, TimeUnit.SECONDS)
        .pongTimeout(3, TimeUnit.SECONDS);
    TickerClient ticker = new TickerClient(builder, model);
    CountDownLatch firstConnect = new CountDownLatch(1);
    AtomicReference<StateChange> lastFailure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger failedAttempts = new java.util.concurrent.atomic.AtomicInteger();
    ticker.client().addStateListener(change -> {
      if (change.error() != null) lastFailure.set(change);
      boolean attemptFailed = change.cause() == StateChange.Cause.ATTEMPT_FAILED;
      if (change.current() == ConnectionState.CONNECTED || change.current() == ConnectionState.FAILED
          || (attemptFailed && failedAttempts.incrementAndGet() >= FIRST_CONNECT_ATTEMPTS)) {
        firstConnect.countDown();
      }
    });
    try {
      ticker.start(o.symbols);
      firstConnect.await(FIRST_CONNECT_MILLIS, TimeUnit.MILLISECONDS);
      if (ticker.client().state() != ConnectionState.CONNECTED && model.summary().reconnects() == 0
          && ticker.client().stats().connections() == 0) {
        err.println("error: " + explain(url, ticker.client().state(), lastFailure.get()));
        return CANNOT_CONNECT;
      }
      PlainReporter reporter = new PlainReporter(model, out);
      Terminal terminal = tty && !o.plain ? TerminalBuilder.builder().system(true).build() : null;
      try {
        if (terminal != null && TerminalUi.supports(terminal)) {
          TerminalUi ui = new TerminalUi(terminal, ticker, server != null ? server.chaos() : null);
          if (o.durationSeconds > 0) stopAfter(o.durationSeconds, ui::stop);
          ui.run();
        } else {
          if (!o.json) reporter.start();
          waitFor(o.durationSeconds);
          reporter.stop();
        }
      } finally {
        if (terminal != null) terminal.close();
      }
      ticker.close();
      ticker.awaitClosed(6, TimeUnit.SECONDS);
      reporter.printSummary(o.json);
      return OK;
    } finally {
      ticker.close();
    }
  }

  /** One line saying why the first connection failed, and what to do. */
  static String explain(String url, ConnectionState state, StateChange failure) {
    CorridorException e = failure == null ? null : failure.error();
    if (e != null && (e.httpStatus() == 401 || e.httpStatus() == 403)) {
      return "the server at " + url + " refused the token (HTTP " + e.httpStatus() + "). Fix: pass "
          + "the server's token with --token";
    }
    if (e != null && e.kind() == CorridorException.Kind.SUBPROTOCOL_MISMATCH) {
      return url + " does not speak Corridor protocol v1 (" + e.getMessage() + "). Fix: check the URL";
    }
    if (e != null && e.kind() == CorridorException.Kind.HTTP_STATUS) {
      return "the server at " + url + " answered HTTP " + e.httpStatus() + ". Fix: check the URL and "
          + "its path (the demo feed serves /v1)";
    }
    String reason = e == null ? "no answer" : e.getMessage();
    return "cannot reach " + url + " (" + reason + ", state " + state + "). Fix: check the URL, or "
        + "start a feed with --server";
  }

  private static void stopAfter(long seconds, Runnable stop) {
    Thread stopper = new Thread(() -> {
      try {
        waitFor(seconds);
      } catch (InterruptedException e) {
        return;
      }
      stop.run();
    }, "ticker-duration");
    stopper.setDaemon(true);
    stopper.start();
  }

  private static void waitFor(long seconds) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    if (seconds > 0) {
      never.await(seconds, TimeUnit.SECONDS);
    } else {
      never.await();
    }
  }
}
