package dev.corridor.sample;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import dev.corridor.sample.CommandLine.Options;
import dev.corridor.sample.CommandLine.UsageException;
import dev.corridor.sample.market.MarketFeed;
import dev.corridor.sample.server.NodeRotation;
import dev.corridor.server.CorridorServer;
import dev.corridor.sample.ticker.EndpointNotes;
import dev.corridor.sample.ticker.PlainReporter;
import dev.corridor.sample.ticker.TerminalUi;
import dev.corridor.sample.ticker.TickerClient;
import dev.corridor.sample.ticker.TickerModel;
import java.io.PrintStream;
import java.net.BindException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The sample's entry point. With no options: an embedded demo feed on a free loopback port and
 * the live ticker against it. {@code --server}: the feed only, listing its topics.
 * {@code --connect URL}: the ticker only, against any protocol v1 server. {@code --redis URI}:
 * several nodes of the feed sharing one Redis, and the ticker with every node as an endpoint,
 * failing over while the nodes go down in turn ({@code --server --redis URI}: the nodes only).
 * Bad input ({@link CommandLine}), a feed that cannot listen and a Redis that cannot be reached
 * get one line saying what is wrong and how to fix it, and a non-zero exit.
 */
public final class TickerMain {
  /** Exit codes. */
  static final int OK = 0;
  static final int USAGE = 2;
  static final int CANNOT_CONNECT = 3;

  /**
   * The ticker calls a server unreachable when its first connection has not succeeded this long
   * after the start (four or five refused attempts with the default pacing). Once it has
   * connected, outages are shown live instead.
   */
  static final long FIRST_CONNECT_MILLIS = 5_000;

  private TickerMain() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err, System.console() != null);
    System.exit(code);
  }

  /** Where an interrupt (Ctrl-C, SIGTERM) is heard: a JVM shutdown hook, or a test's hand. */
  interface ShutdownHooks {
    /** Runs {@code hook} if the process is interrupted until the registration is closed. */
    Registration add(Runnable hook);

    /** Removes the hook; harmless once the process is shutting down. */
    interface Registration extends AutoCloseable {
      @Override
      void close();
    }

    /** The JVM's shutdown hooks. */
    ShutdownHooks JVM = hook -> {
      Thread t = new Thread(hook, "ticker-summary");
      Runtime.getRuntime().addShutdownHook(t);
      return () -> {
        try {
          Runtime.getRuntime().removeShutdownHook(t);
        } catch (IllegalStateException e) {
          // Shutting down: the hook runs anyway.
        }
      };
    };
  }

  static int run(String[] args, PrintStream out, PrintStream err, boolean tty) {
    return run(args, out, err, tty, ShutdownHooks.JVM);
  }

  /**
   * Runs the command line. {@code tty}: whether stdin and stdout are a terminal (the full screen
   * needs one). {@code hooks}: where Ctrl-C is heard in the line-per-second and JSON modes, which
   * then print the summary before the process ends.
   */
  static int run(String[] args, PrintStream out, PrintStream err, boolean tty, ShutdownHooks hooks) {
    Options o;
    try {
      o = CommandLine.parse(args);
      if (o.json && o.durationSeconds < 0 && !o.serverOnly && !tty) {
        throw new UsageException("--json prints one summary when the run ends, and on a pipe only a "
            + "signal ends it, which stops the reading end too", "add --duration S, e.g. --duration 30");
      }
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
    if (o.help) {
      out.println(CommandLine.HELP);
      return OK;
    }
    TickerModel model = new TickerModel();
    DemoFeed feed = null;
    try {
      if (o.connect == null) {
        java.util.function.Consumer<String> log = o.serverOnly ? out::println : model::note;
        try {
          feed = o.redis != null ? startCluster(o, log) : startServer(o, log);
        } catch (UsageException e) {
          err.println("error: " + e.getMessage());
          return USAGE;
        } catch (Unreachable e) {
          err.println("error: " + e.getMessage());
          return CANNOT_CONNECT;
        }
      }
      if (o.serverOnly && feed instanceof DemoCluster cluster) {
        out.println("Corridor demo feed: " + cluster.nodes().size() + (cluster.nodes().size() == 1 ? " node" : " nodes")
            + " on Redis " + redisAddress(o.redis) + " (keys " + DemoCluster.KEY_PREFIX + ":*)"
            + (o.token != null ? ", token required" : "") + ", chaos on node 1: " + cluster.chaos().describe()
            + ", node rotation " + (o.noRotation ? "off" : "every " + NodeRotation.PERIOD_MILLIS / 1000 + " s")
            + ", seed " + o.seed + ". Ctrl-C to stop.");
        List<String> urls = cluster.urls();
        for (int i = 0; i < urls.size(); i++) out.println("  node " + (i + 1) + "  " + urls.get(i));
        for (String line : Topics.catalog(cluster.market().symbols())) out.println(line);
        out.flush();
        if (!o.noRotation) cluster.rotate(null);
        waitFor(o.durationSeconds);
        return OK;
      }
      if (o.serverOnly) {
        DemoServer server = (DemoServer) feed;
        out.println("Corridor demo feed on " + server.url() + (o.token != null ? " (token required)" : "")
            + ", chaos: " + server.chaos().describe() + ", seed " + o.seed + ". Ctrl-C to stop.");
        for (String line : Topics.catalog(server.market().symbols())) out.println(line);
        out.flush();
        waitFor(o.durationSeconds);
        return OK;
      }
      return runTicker(o, feed != null ? feed.urls() : List.of(o.connect), feed, model, out, err, tty, hooks);
    } catch (Exception e) {
      err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage() + ". Fix: check the "
          + "options (--help lists them); if this persists, report it with the command line");
      return 1;
    } finally {
      if (feed != null) {
        try {
          feed.close();
        } catch (Exception ignored) {
          // exiting anyway
        }
      }
    }
  }

  /** Something the feed needs cannot be reached (Redis); the message says what, and the fix. */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(String problem, String fix) {
      super(problem + ". Fix: " + fix);
    }
  }

  /**
   * Starts the embedded feed for {@code o}.
   *
   * @throws UsageException when it cannot listen where {@code --host} and {@code --port} say
   */
  static DemoServer startServer(Options o, java.util.function.Consumer<String> log) throws Exception {
    CorridorServer.Builder config = CorridorServer.builder().host(o.host).port(o.port)
        .allowedOrigins(o.origins.toArray(new String[0]));
    if (o.token != null) config.bearerToken(o.token);
    DemoServer server;
    try {
      server = DemoServer.start(config, watchlist(o), o.rate, o.seed, log);
    } catch (java.io.IOException e) {
      UsageException explained = bindFailure(o, e);
      if (explained != null) throw explained;
      throw e;
    }
    server.market().burst(o.burst);
    for (ChaosControl.Mode m : o.chaos) server.chaos().set(m, true);
    return server;
  }

  /**
   * Starts {@code o.nodes} nodes of the feed on the Redis at {@code o.redis} (node i on
   * {@code --port} + i, or on free ports), the ticker's endpoints. Chaos modes from {@code --chaos}
   * are switched on (on node 1); the rotation is started by the caller.
   *
   * @throws Unreachable when Redis cannot be reached
   * @throws UsageException when a node cannot listen where {@code --host} and {@code --port} say
   */
  static DemoCluster startCluster(Options o, java.util.function.Consumer<String> log) throws Exception {
    List<CorridorServer.Builder> nodes = new ArrayList<>();
    for (int i = 0; i < o.nodes; i++) {
      CorridorServer.Builder b = CorridorServer.builder().host(o.host).port(o.port == 0 ? 0 : o.port + i)
          .allowedOrigins(o.origins.toArray(new String[0]));
      if (o.token != null) b.bearerToken(o.token);
      nodes.add(b);
    }
    DemoCluster cluster;
    try {
      cluster = DemoCluster.start(o.redis, nodes, watchlist(o), o.rate, o.seed, log);
    } catch (DemoCluster.NodeFailure e) {
      Unreachable redis = redisFailure(o, e);
      if (redis != null) throw redis;
      UsageException explained = bindFailure(o, o.port == 0 ? 0 : o.port + e.node, e);
      if (explained != null) throw explained;
      throw e;
    }
    cluster.market().burst(o.burst);
    for (ChaosControl.Mode m : o.chaos) cluster.chaos().set(m, true);
    return cluster;
  }

  /** {@code host:port} of a Redis URI: never its password. */
  static String redisAddress(String redisUri) {
    java.net.URI uri = java.net.URI.create(redisUri);
    return uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
  }

  /** Why the nodes cannot reach Redis, with the fix; null if the failure is not the Redis client's. */
  static Unreachable redisFailure(Options o, Throwable e) {
    boolean redis = false;
    Throwable deepest = e;
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c.getClass().getName().startsWith("io.lettuce.")) redis = true;
      deepest = c;
    }
    if (!redis) return null;
    java.net.URI uri = java.net.URI.create(o.redis);
    int port = uri.getPort() < 0 ? 6379 : uri.getPort();
    String why = deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
    return new Unreachable("cannot reach Redis at " + redisAddress(o.redis) + " (" + why + ")",
        "start one with `redis-server --port " + port + " --save '' --appendonly no`, or pass --redis URI");
  }

  /** The {@code --symbols} with their starting prices: the default watchlist's, else one from the name. */
  private static Map<String, Double> watchlist(Options o) {
    Map<String, Double> watchlist = new LinkedHashMap<>();
    for (String s : o.symbols) {
      watchlist.put(s, MarketFeed.DEFAULT_WATCHLIST.getOrDefault(s, 50.0 + Math.abs(s.hashCode() % 400)));
    }
    return watchlist;
  }

  /** Why the feed cannot listen on {@code --host}/{@code --port}, with the fix; null if unknown. */
  static UsageException bindFailure(Options o, Throwable e) {
    return bindFailure(o, o.port, e);
  }

  /** Why the feed cannot listen on {@code --host} and {@code port}, with the fix; null if unknown. */
  static UsageException bindFailure(Options o, int port, Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String message = String.valueOf(c.getMessage());
      if (c instanceof java.nio.channels.UnresolvedAddressException
          || c instanceof java.net.UnknownHostException || message.contains("<unresolved>")) {
        return new UsageException("--host " + o.host + " is not an address or name this machine can "
            + "resolve", "use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)");
      }
      if (c instanceof BindException && (message.contains("assign") || message.contains("not available"))) {
        return new UsageException("cannot listen on " + o.host + ": it is not an address of this machine",
            "use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)");
      }
      if (c instanceof BindException) {
        return new UsageException("port " + port + " on " + o.host + " is in use",
            "choose another with --port, or --port 0 for a free one");
      }
    }
    return null;
  }

  /**
   * The client's builder for {@code o}: the token, the demo's short heartbeat (a stalled,
   * half-open link is found in about 8 s), and reconnect jitter drawn from {@code --seed}.
   */
  static CorridorClient.Builder clientBuilder(Options o, String url) {
    return clientBuilder(o, List.of(url));
  }

  /** As {@link #clientBuilder(Options, String)}, with {@code urls} as the endpoints, in order. */
  static CorridorClient.Builder clientBuilder(Options o, List<String> urls) {
    return TickerClient.builder(urls.get(0), o.token, null)
        .endpoints(urls)
        .heartbeatInterval(5, TimeUnit.SECONDS)
        .pongTimeout(3, TimeUnit.SECONDS)
        .random(Seeds.of(o.seed).clientRandom());
  }

  private static int runTicker(Options o, List<String> urls, DemoFeed feed, TickerModel model, PrintStream out,
      PrintStream err, boolean tty, ShutdownHooks hooks) throws Exception {
    TickerClient ticker = new TickerClient(clientBuilder(o, urls), model);
    try {
      if (feed instanceof DemoCluster) {
        ticker.client().addStateListener(new EndpointNotes(urls, ticker.client()::endpoint, model::note));
      }
      StateChange first = ticker.start(o.symbols, FIRST_CONNECT_MILLIS).join();
      if (first.current() != ConnectionState.CONNECTED) {
        err.println("error: " + explain(urls.size() == 1 ? urls.get(0) : String.join(", ", urls), first.current(), first));
        return CANNOT_CONNECT;
      }
      if (feed instanceof DemoCluster cluster && !o.noRotation) cluster.rotate(ticker.client()::endpoint);
      PlainReporter reporter = new PlainReporter(model, out);
      Terminal terminal = tty && !o.plain ? TerminalBuilder.builder().system(true).build() : null;
      if (terminal != null && TerminalUi.supports(terminal)) {
        try {
          TerminalUi ui = new TerminalUi(terminal, ticker, feed != null ? feed.chaos() : null);
          if (o.durationSeconds > 0) stopAfter(o.durationSeconds, ui::stop);
          ui.run();
        } finally {
          terminal.close();
        }
        ticker.close();
        ticker.awaitClosed(6, TimeUnit.SECONDS);
        reporter.printSummary(o.json);
        return OK;
      }
      if (terminal != null) terminal.close();
      // Line per second (or JSON only): the run ends after --duration, or at Ctrl-C, which prints
      // the summary too. Whichever comes first prints it, once.
      AtomicBoolean summarised = new AtomicBoolean();
      CountDownLatch interrupted = new CountDownLatch(1);
      Runnable finish = () -> {
        if (!summarised.compareAndSet(false, true)) return;
        reporter.stop();
        ticker.close();
        try {
          ticker.awaitClosed(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        reporter.printSummary(o.json);
      };
      if (!o.json) reporter.start();
      ShutdownHooks.Registration hook = hooks.add(() -> {
        finish.run();
        interrupted.countDown();
      });
      try {
        if (o.durationSeconds > 0) interrupted.await(o.durationSeconds, TimeUnit.SECONDS);
        else interrupted.await();
      } finally {
        hook.close();
      }
      finish.run();
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
