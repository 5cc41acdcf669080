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
   * The server refused the subscription (e.g. {@code UNKNOWN_TOPIC}, {@code FORBIDDEN}), with its
   * reason; called right after {@link #onStateChanged} reported {@link Subscription.State#REJECTED}.
   * A refusal the server marks as temporary is requested again after the next reconnect; any other
   * stays until the application unsubscribes. A listener that does not override this method gets
   * the refusal logged instead (logger {@code dev.corridor}, level WARNING), so that it is never
   * silent.
   */
  default void onRejected(String errorCode, String message) {}

  /**
   * The subscription's {@link Subscription.State} changed, in order with its messages. Default:
   * ignore.
   */
  default void onStateChanged(Subscription.State state) {}
}
