package dev.corridor.sample;

import java.util.List;

/**
 * The sample's topics and request methods: the contract between the feed server and the ticker.
 * Payloads are the messages of {@code market.proto}. {@link #catalog} describes them for people
 * ({@code --server} prints it, docs/sample.md shows it); the feed refuses every other topic.
 */
public final class Topics {
  private Topics() {}

  /** Prefix of the quote topics. */
  public static final String QUOTES_PREFIX = "quotes.";
  /** Prefix of the trade topics. */
  public static final String TRADES_PREFIX = "trades.";
  /** Prefix of the per-client alert event topics. */
  public static final String ALERT_EVENTS_PREFIX = "alert-events.";

  /** {@code quotes.<SYMBOL>}: {@code Quote}, keyed by symbol; the ticker subscribes LATEST. */
  public static String quotes(String symbol) {
    return QUOTES_PREFIX + symbol;
  }

  /** {@code trades.<SYMBOL>}: {@code Trade}; the ticker subscribes RELIABLE (every print, once). */
  public static String trades(String symbol) {
    return TRADES_PREFIX + symbol;
  }

  /** {@code alert-events.<client id>}: {@code AlertTriggered}, RELIABLE. */
  public static String alertEvents(String clientId) {
    return ALERT_EVENTS_PREFIX + clientId;
  }

  /** Client to server: {@code PriceAlert}, acknowledged, key {@link #alertKey}. */
  public static final String ALERTS = "alerts";

  /** Client to server: {@code FocusIntent}, best effort with a short TTL, key {@code "focus"}. */
  public static final String INTENTS = "intents";

  /** Request method: {@code SnapshotRequest} -> {@code Snapshot}. */
  public static final String SNAPSHOT = "snapshot";

  public static String alertKey(String alertId) {
    return "alert:" + alertId;
  }

  /** Symbol of a {@code quotes.} or {@code trades.} topic, or null. */
  public static String symbolOf(String topic) {
    int dot = topic.indexOf('.');
    return dot < 0 ? null : topic.substring(dot + 1);
  }

  /** Whether {@code topic} is a {@code quotes.<SYM>} or {@code trades.<SYM>} topic. */
  public static boolean isMarketTopic(String topic) {
    return topic.startsWith(QUOTES_PREFIX) || topic.startsWith(TRADES_PREFIX);
  }

  /**
   * The feed's topics and request methods for people, one per line, for a feed serving
   * {@code symbols}: the name, who sends, the payload, and how to subscribe or send it.
   */
  public static List<String> catalog(List<String> symbols) {
    return List.of(
        "Symbols: " + String.join(" ", symbols),
        "Topics and requests (payloads are corridor.sample messages from market.proto):",
        "  quotes.<SYM>              feed -> client  Quote, key <SYM>; subscribe LATEST (newest only, conflated)",
        "  trades.<SYM>              feed -> client  Trade, every print once, in order; subscribe RELIABLE",
        "  alert-events.<client id>  feed -> client  AlertTriggered for your own alerts; subscribe RELIABLE",
        "  alerts                    client -> feed  PriceAlert; send ACKNOWLEDGED, key alert:<id>",
        "  intents                   client -> feed  FocusIntent; send BEST_EFFORT, key focus, TTL 2 s",
        "  request snapshot          client -> feed  SnapshotRequest, answered with a Snapshot",
        "Anything else is refused: a Subscribe or Publish to another topic gets ERROR_CODE_UNKNOWN_TOPIC.");
  }
}
