package dev.corridor;

/**
 * Receives every {@link StateChange} of a client, in order, on the client's callback executor,
 * and, if the application set {@link CorridorClient.Builder#healthThresholds}, every change of
 * {@link ConnectionHealth}, in order with the state changes. A listener that throws is reported
 * (see {@link EventListener#callbackFailed}) and keeps receiving.
 */
public interface StateListener {
  void onStateChanged(StateChange change);

  /**
   * A health threshold was crossed, either way: a message has waited too long for its
   * acknowledgement, or the server has been silent too long, or that is over. Default: nothing.
   */
  default void onHealthChanged(ConnectionHealth health) {}
}
