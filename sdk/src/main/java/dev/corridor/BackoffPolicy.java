package dev.corridor;

/**
 * Decides how long to wait before each reconnection attempt.
 *
 * <p>The client paces attempts in <em>steps</em>: every failure (an attempt that did not reach
 * {@link ConnectionState#CONNECTED}, or a connection lost) moves one step up, and every 2 s that a
 * connection stays healthy (CONNECTED and receiving) pays one step back. A connection that was
 * healthy for a while therefore gets a quick, still jittered, first retry, while a server that
 * accepts and drops connections sees growing waits, never a tight loop. The client never counts
 * beyond {@link #steadyStep()}, so that a few seconds of healthy connection pay back even a long
 * outage. See {@code docs/defaults.md} for the evidence behind the rule and the defaults.
 *
 * <p>Server hints (close code 1013, HTTP {@code Retry-After}, an Error's {@code retry_after_ms})
 * act as a floor on top of the delay, each capped so that no server can park the client for ever:
 * at 10 × the longer of {@link ExponentialBackoff#maxDelayMillis()} and
 * {@link ExponentialBackoff#slowDelayMillis()} for an {@link ExponentialBackoff}, at 5 minutes for
 * any other policy. The default is {@link ExponentialBackoff#DEFAULT}.
 *
 * <p>Implementations are called only on the client's own threads, must be fast and should not
 * throw: a policy that throws or returns a negative delay is reported to the
 * {@link EventListener} and replaced by {@link ExponentialBackoff#DEFAULT} for that wait.
 */
@FunctionalInterface
public interface BackoffPolicy {
  /**
   * The wait before the next attempt, in milliseconds (never negative).
   *
   * @param step failures not yet paid back by healthy connection time, from 0 (the first retry
   *     after a healthy connection dropped) to {@link #steadyStep()}
   * @param outageMillis how long the client has been failing: since the first failure after its
   *     steps were last paid back in full, or since the network last changed; 0 at the first
   *     failure
   * @param random the client's injected source of jitter
   */
  long delayMillis(int step, long outageMillis, RandomSource random);

  /**
   * The step from which {@link #delayMillis} no longer grows with the step. The client counts
   * failures up to here and no further, so that healthy connection time pays back a long outage
   * as quickly as a short one. Must not be negative; values above 64 count as 64. Default 8 (16 s
   * of healthy connection pay back the longest outage); override it when the policy settles
   * sooner, as {@link ExponentialBackoff} does.
   */
  default int steadyStep() {
    return 8;
  }
}
