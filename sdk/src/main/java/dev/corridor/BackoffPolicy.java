package dev.corridor;

/**
 * Decides how long to wait before each reconnection attempt. The client asks for a fresh
 * {@link Backoff} at the start of every outage and discards it once a connection has stayed
 * {@link ConnectionState#CONNECTED} for the stability window, so a server that accepts and
 * immediately drops connections sees growing delays, never a tight loop.
 *
 * <p>Server hints (close code 1013, HTTP {@code Retry-After}, an Error's {@code retry_after_ms})
 * act as a floor on top of the delay, each capped so that no server can park the client for ever:
 * at 10 × {@link ExponentialBackoff#maxDelayMillis()} for an {@link ExponentialBackoff}, at 5
 * minutes for any other policy (see {@code docs/defaults.md}). The default is
 * {@link ExponentialBackoff#DEFAULT}.
 */
public interface BackoffPolicy {
  /** The delays of one outage. Used only on the client's state thread. */
  interface Backoff {
    /** The delay before the next attempt, in milliseconds (never negative). */
    long nextDelayMillis();
  }

  /** Starts a new outage. {@code random} is the client's injected source of jitter. */
  Backoff newBackoff(RandomSource random);
}
