package dev.corridor;

/**
 * Observability hooks: attempts, handshake outcomes, state changes, round-trip times and traffic.
 *
 * <p>Methods are called on the client's internal state thread, in order, right as things happen,
 * so they must be fast and must not block; an exception thrown here is caught and ignored. Use
 * them for metrics and logs. Every method has an empty default, and {@link #NONE} ignores all.
 * Attempts are paired: every {@link #attemptStarted} is followed by exactly one
 * {@link #attemptSucceeded} or {@link #attemptFailed}.
 */
public abstract class EventListener {
  /** Ignores every event. */
  public static final EventListener NONE = new EventListener() {};

  /** A connection attempt starts; {@code attempt} counts from 1 within one outage. */
  public void attemptStarted(long attempt) {}

  /** The attempt received the server's Welcome after {@code connectNanos}. */
  public void attemptSucceeded(long attempt, long connectNanos) {}

  /** The attempt failed before the Welcome. */
  public void attemptFailed(long attempt, CorridorException error) {}

  /** An established connection was lost. */
  public void connectionLost(CorridorException error) {}

  /** The state changed. */
  public void stateChanged(StateChange change) {}

  /** A Pong answered a Ping after {@code rttNanos}; {@code smoothedRttNanos} is the running average. */
  public void rttMeasured(long rttNanos, long smoothedRttNanos) {}

  /** A message of {@code bytes} was handed to the socket. */
  public void messageSent(int bytes) {}

  /** A message of {@code bytes} arrived. */
  public void messageReceived(int bytes) {}

  /**
   * An inbound message broke the protocol: malformed, of an unknown or unexpected kind, a text
   * frame, or oversized. It was discarded; an oversized one also closes the connection with 1009.
   */
  public void protocolError(CorridorException error) {}

  /** A listener or callback supplied by the application threw; the client carried on. */
  public void callbackFailed(Throwable error) {}

  /** A message given to {@code send} ended with {@code outcome} (every message ends exactly once). */
  public void sendEnded(String topic, SendResult.Outcome outcome) {}

  /** A delivery already handed to the application arrived again and was dropped. */
  public void duplicateDropped(String topic, long sequence) {}

  /** A delivery skipped ahead of the expected sequence; a replay was asked for. */
  public void gapDetected(String topic, long expectedSequence, long receivedSequence) {}

  /** A stream broke; the subscription's listener is told too. */
  public void discontinuity(Discontinuity discontinuity) {}
}
