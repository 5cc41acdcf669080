package dev.corridor.sample;

/**
 * The sample's topics and request methods: the contract between the feed server and the ticker.
 * Payloads are the messages of {@code market.proto}.
 */
public final class Topics {
  private Topics() {}

  /** {@code quotes.<SYMBOL>}: {@code Quote}, keyed by symbol; the ticker subscribes LATEST. */
  public static String quotes(String symbol) {
    return "quotes." + symbol;
  }

  /** {@code trades.<SYMBOL>}: {@code Trade}; the ticker subscribes RELIABLE (every print, once). */
  public static String trades(String symbol) {
    return "trades." + symbol;
  }

  /** {@code alert-events.<client id>}: {@code AlertTriggered}, RELIABLE. */
  public static String alertEvents(String clientId) {
    return "alert-events." + clientId;
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
}
