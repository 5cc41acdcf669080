package dev.corridor;

/** An active subscription. Thread-safe. */
public interface Subscription {
  String topic();

  /** Stops delivery. Messages already queued for the listener are discarded. Idempotent. */
  void unsubscribe();

  /**
   * Epoch of the last message handed to the application's queue (0 before the first). This is the
   * position acknowledged to the server and resumed from after a reconnect.
   */
  long epoch();

  /** Sequence of the last message handed to the application's queue (0 before the first). */
  long lastSequence();
}
