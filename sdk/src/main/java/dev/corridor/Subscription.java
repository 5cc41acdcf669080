package dev.corridor;

/** An active subscription. Thread-safe. */
public interface Subscription {
  String topic();

  /** Stops delivery. Messages already queued for the listener are discarded. Idempotent. */
  void unsubscribe();

  /** Epoch of the last message delivered to the application (0 before the first). */
  long epoch();

  /** Sequence of the last message delivered to the application (0 before the first). */
  long lastSequence();
}
