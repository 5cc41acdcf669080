package dev.corridor;

/**
 * Receives every {@link StateChange} of a client, in order, on the client's callback executor.
 * A listener that throws is reported to {@link EventListener#callbackFailed} and keeps receiving.
 */
public interface StateListener {
  void onStateChanged(StateChange change);
}
