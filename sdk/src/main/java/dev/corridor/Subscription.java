package dev.corridor;

/**
 * A subscription, from {@link CorridorClient#subscribe} until it is unsubscribed or the client
 * closes. Thread-safe.
 *
 * <p>Its {@link State} says what the server made of it; every change is also told to
 * {@link MessageListener#onStateChanged}, in order with the messages, on the subscription's
 * executor. From Kotlin, {@code CorridorFlows.subscription(...)} gives the states as a
 * {@code StateFlow}.
 */
public interface Subscription {
  /** Where a subscription stands with the server. */
  enum State {
    /** Requested (or waiting for a connection to request it); no answer yet. The first state. */
    SUBSCRIBING,
    /** The server confirmed it; messages flow. */
    SUBSCRIBED,
    /**
     * The server refused it: {@link MessageListener#onRejected} has its reason (say
     * {@code UNKNOWN_TOPIC} or {@code FORBIDDEN}). If the server said the refusal may pass, it is
     * requested again after the next reconnect; otherwise it stays here until unsubscribed.
     */
    REJECTED,
    /** The connection was lost; it is requested again, from its last position, once reconnected. */
    RESUBSCRIBING,
    /** {@link #unsubscribe()} was called, or the client closed. Final: no callback follows. */
    UNSUBSCRIBED
  }

  String topic();

  /** The current state. May be stale by the time it is read; listen for changes instead of polling. */
  State state();

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
