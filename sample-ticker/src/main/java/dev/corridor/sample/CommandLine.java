package dev.corridor.sample;

import dev.corridor.CorridorClient;
import dev.corridor.sample.market.MarketFeed;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The sample's command line: the options, their parsing and validation, and the help text. A
 * mistake is a {@link UsageException} whose message says what is wrong and how to fix it, printed
 * as one line. Pure functions; any thread.
 */
final class CommandLine {
  private CommandLine() {}

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
    /** {@code --redis}: the Redis URI the nodes share; null for one node in memory. */
    String redis;
    /** {@code --nodes}: how many nodes run on {@link #redis}. */
    int nodes = DEFAULT_NODES;
    boolean nodesGiven;
    /** {@code --no-rotation}: leave the nodes up (no node is stopped and started in turn). */
    boolean noRotation;
  }

  /** Nodes started with {@code --redis} when {@code --nodes} is not given. */
  static final int DEFAULT_NODES = 3;
  /** The most nodes {@code --nodes} accepts. */
  static final int MAX_NODES = 9;

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
        case "--port" -> o.port = intValue(args, ++i, a, 0, 65535, "--port 8080, or --port 0 for a free port");
        case "--token" -> o.token = value(args, ++i, a);
        case "--origin" -> o.origins.add(value(args, ++i, a));
        case "--chaos" -> o.chaos = chaosModes(value(args, ++i, a));
        case "--seed" -> o.seed = longValue(args, ++i, a);
        case "--rate" -> o.rate = intValue(args, ++i, a, 1, 1000, "--rate 4");
        case "--burst" -> o.burst = true;
        case "--symbols" -> o.symbols = symbols(value(args, ++i, a));
        case "--plain" -> o.plain = true;
        case "--duration" -> o.durationSeconds = intValue(args, ++i, a, 1, 86_400, "--duration 30");
        case "--json" -> o.json = true;
        case "--redis" -> o.redis = redisUri(value(args, ++i, a));
        case "--nodes" -> {
          o.nodes = intValue(args, ++i, a, 1, MAX_NODES, "--nodes 3");
          o.nodesGiven = true;
        }
        case "--no-rotation" -> o.noRotation = true;
        case "--help", "-h" -> o.help = true;
        default -> throw new UsageException("unknown option " + a, "run with --help to see the options");
      }
    }
    if (o.serverOnly && o.connect != null) {
      throw new UsageException("--server and --connect exclude each other",
          "use --server to run only the feed, --connect URL to run only the ticker");
    }
    if (o.connect != null && !o.chaos.isEmpty()) {
      throw new UsageException("--chaos acts on the embedded feed, and --connect runs without one",
          "drop --connect, or start the feed with --server --chaos ... and --connect to it");
    }
    if (o.redis != null && o.connect != null) {
      throw new UsageException("--redis starts nodes of the feed, and --connect runs without one",
          "drop --connect to run the nodes and the ticker, or start the nodes with --server --redis URI "
          + "and --connect to one of them");
    }
    if (o.redis == null && (o.nodesGiven || o.noRotation)) {
      String option = o.nodesGiven ? "--nodes" : "--no-rotation";
      throw new UsageException(option + " applies to the nodes that --redis starts, and there is no --redis",
          "add --redis redis://127.0.0.1:6379, or drop " + option);
    }
    if (o.redis != null && o.port != 0 && o.port + o.nodes - 1 > 65535) {
      throw new UsageException("--port " + o.port + " leaves no room for " + o.nodes + " nodes (ports "
          + o.port + " to " + (o.port + o.nodes - 1) + ")", "use a lower --port, or --port 0 for free ports");
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

  private static int intValue(String[] args, int i, String option, int min, int max, String example)
      throws UsageException {
    String v = value(args, i, option);
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " " + v + " is not a number from " + min + " to " + max,
          "write e.g. " + example);
    }
  }

  /**
   * {@code --redis}: a {@code redis://} or {@code rediss://} URI with a host. Never echoes a
   * password: a URI that carries one is not repeated in the message.
   */
  private static String redisUri(String value) throws UsageException {
    String fix = "write e.g. --redis redis://127.0.0.1:6379 (rediss:// for TLS; a password and a database "
        + "as in redis://:password@host:6379/0)";
    String shown = value.contains("@") ? "URI" : value;
    if (!value.startsWith("redis://") && !value.startsWith("rediss://")) {
      throw new UsageException("--redis " + shown + " is not a redis:// or rediss:// URI", fix);
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new UsageException("--redis " + shown + " is not a valid URI", fix);
    }
    if (uri.getHost() == null) throw new UsageException("--redis " + shown + " names no host", fix);
    return value;
  }

  /** The longest symbol accepted. */
  static final int MAX_SYMBOL_LENGTH = 16;

  /** {@code --symbols}: comma-separated, upper-cased, duplicates dropped, at least one. */
  private static List<String> symbols(String value) throws UsageException {
    Set<String> out = new LinkedHashSet<>();
    for (String s : value.split(",", -1)) {
      String sym = s.trim().toUpperCase(Locale.ROOT);
      if (sym.isEmpty()) continue;
      if (sym.length() > MAX_SYMBOL_LENGTH || !sym.chars().allMatch(c -> c > ' ' && c < 127)) {
        throw new UsageException("--symbols: '" + s.trim() + "' is not a symbol",
            "use up to " + MAX_SYMBOL_LENGTH + " letters, digits or punctuation without spaces, e.g. --symbols AAPL,BRK.B");
      }
      out.add(sym);
    }
    if (out.isEmpty()) {
      throw new UsageException("--symbols '" + value + "' names no symbol", "write e.g. --symbols AAPL,MSFT");
    }
    return new ArrayList<>(out);
  }

  /** {@code --chaos}: comma-separated mode labels, at least one. */
  private static List<ChaosControl.Mode> chaosModes(String value) throws UsageException {
    List<ChaosControl.Mode> out = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      if (name.isBlank()) continue;
      ChaosControl.Mode m = ChaosControl.Mode.named(name);
      if (m == null) throw new UsageException("unknown chaos mode " + name.trim(), "use any of " + CHAOS_NAMES);
      if (!out.contains(m)) out.add(m);
    }
    if (out.isEmpty()) {
      throw new UsageException("--chaos '" + value + "' names no mode", "write e.g. --chaos kill,stall (modes: "
          + CHAOS_NAMES + ")");
    }
    return out;
  }

  /** Every chaos label, comma-separated. */
  static final String CHAOS_NAMES = chaosNames();

  private static String chaosNames() {
    StringJoiner j = new StringJoiner(", ");
    for (ChaosControl.Mode m : ChaosControl.Mode.values()) j.add(m.label());
    return j.toString();
  }

  private static long longValue(String[] args, int i, String option) throws UsageException {
    String v = value(args, i, option);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " " + v + " is not a whole number", "write e.g. " + option + " 7");
    }
  }

  static final String HELP = String.join("\n",
      "Corridor market ticker: live prices that survive dropped links, stalls and server restarts.",
      "",
      "  (no options)           embedded demo feed + live ticker",
      "  --server               run only the demo feed and list its topics (use --port to fix its port)",
      "  --connect URL          run only the ticker, against any Corridor protocol v1 server",
      "  --redis URI            " + DEFAULT_NODES + " feed nodes sharing one Redis + the ticker failing over between them",
      "                         (with --server: only the nodes, listing their URLs)",
      "",
      "Feed:   --host H  --port N (0: a free one)  --token T  --origin O  --rate N (updates/s/symbol)  --burst",
      "        --chaos " + CHAOS_NAMES.replace(", ", ",") + " (with --redis: on node 1)",
      "Nodes:  --redis redis://127.0.0.1:6379 (or rediss://)  --nodes N (1-" + MAX_NODES + ", default " + DEFAULT_NODES
          + "; --port P: P, P+1, ...)",
      "        --no-rotation (default: every " + dev.corridor.sample.server.NodeRotation.PERIOD_MILLIS / 1000
          + " s a node crashes, and starts again " + dev.corridor.sample.server.NodeRotation.DOWN_MILLIS / 1000
          + " s later)",
      "Ticker: --symbols AAPL,MSFT  --token T  --plain (one status line per second)",
      "        --duration S (exit after S seconds with a summary; Ctrl-C prints it too)",
      "        --json (the summary as JSON; on a pipe it needs --duration)",
      "Both:   --seed N (prices, chaos timetable and reconnect jitter; default 42)",
      "Keys:   a add  r remove  l alert  f focus  k kill link  n network down/up  1-7 chaos  q quit");

}
