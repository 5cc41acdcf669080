package dev.corridor;

/**
 * Receives a subscription's messages, in order, one at a time, on the subscription's executor (the
 * client's callback executor unless {@link SubscribeOptions.Builder#executor} says otherwise). In
 * {@link SubscribeOptions.Mode#RELIABLE} mode, a slow listener slows reading from the socket rather
 * than dropping. A listener that throws is reported to {@link EventListener#callbackFailed} and
 * keeps receiving.
 */
public interface MessageListener {
  void onMessage(Message message);

  /** The stream broke; see {@link Discontinuity}. Default: ignore. */
  default void onDiscontinuity(Discontinuity discontinuity) {}

  /**
   * The server refused the subscription (e.g. {@code UNKNOWN_TOPIC}, {@code FORBIDDEN}). The
   * subscription stays registered and is requested again after the next reconnect; unsubscribe to
   * give it up. Default: ignore.
   */
  default void onRejected(String errorCode, String message) {}
}
