package dev.corridor.internal.connection;

import dev.corridor.BackoffPolicy;
import dev.corridor.CorridorException;
import dev.corridor.ErrorPolicy.Disposition;
import dev.corridor.ExponentialBackoff;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Decides what follows a failure: the error policy's disposition, the one token refresh, and the
 * backoff delay floored by server hints, each hint capped by {@link #hintCapFor}. Owns the
 * state of the current outage (its backoff and attempt count), which resets only when a
 * connection has stayed up for the stability window. Confined to the client's serial context.
 */
final class RetryPlanner {
  /** Returned by {@link #decide} when the client must stop. */
  static final long FAIL = -1;
  /** A server hint may impose at most this many times an {@link ExponentialBackoff}'s max delay. */
  static final int HINT_CAP_FACTOR = 10;
  /** The most a server hint may impose when the backoff policy is not an {@link ExponentialBackoff}. */
  static final long DEFAULT_HINT_CAP_MILLIS = TimeUnit.MINUTES.toMillis(5);

  private final ConnectionSettings settings;
  /** The longest wait any server hint may impose (see {@link #hintCapFor}). */
  private final long hintCapMillis;

  /** Delays of the current outage; null until its first failure. */
  private BackoffPolicy.@Nullable Backoff backoff;
  /** Attempts in the current outage (1-based once one has started). */
  private long attempt;
  private long attemptStartNanos;
  /** Clock nanos before which the server asked us not to reconnect (from an Error), if {@link #hasNotBefore}. */
  private long notBeforeNanos;
  private boolean hasNotBefore;
  /** The next token request must bypass caches (the last token was refused). */
  private boolean refreshToken;
  /** A refreshed token was already tried since the last Welcome: a further refusal is final. */
  private boolean reauthenticated;

  RetryPlanner(ConnectionSettings settings) {
    this.settings = settings;
    this.hintCapMillis = hintCapFor(settings.backoffPolicy);
  }

  /**
   * The longest wait a server hint may impose: {@link #HINT_CAP_FACTOR} times the policy's max
   * delay for an {@link ExponentialBackoff}, otherwise {@link #DEFAULT_HINT_CAP_MILLIS}. A broken
   * or hostile server must not park the client for ever (a {@code Retry-After} of 68 years).
   */
  static long hintCapFor(BackoffPolicy policy) {
    if (!(policy instanceof ExponentialBackoff)) return DEFAULT_HINT_CAP_MILLIS;
    long max = ((ExponentialBackoff) policy).maxDelayMillis();
    return max > Long.MAX_VALUE / HINT_CAP_FACTOR ? Long.MAX_VALUE : max * HINT_CAP_FACTOR;
  }

  /** An attempt starts now; returns its number within the outage. */
  long attemptStarted() {
    attempt++;
    attemptStartNanos = settings.clock.nanoTime();
    hasNotBefore = false;
    return attempt;
  }

  long attempt() {
    return attempt;
  }

  /** Nanos spent on the current attempt so far. */
  long attemptElapsedNanos() {
    return settings.clock.nanoTime() - attemptStartNanos;
  }

  /** Whether this attempt must ask the token provider for a fresh token; asking clears it. */
  boolean takeRefreshToken() {
    boolean refresh = refreshToken;
    refreshToken = false;
    return refresh;
  }

  /** The server asked for at least {@code retryAfterMillis} (capped) before the next attempt. */
  void serverHint(long retryAfterMillis) {
    if (retryAfterMillis <= 0) return;
    long wait = TimeUnit.MILLISECONDS.toNanos(Math.min(retryAfterMillis, hintCapMillis));
    long notBefore = settings.clock.nanoTime() + wait; // may wrap: compared by difference
    if (!hasNotBefore || notBefore - notBeforeNanos > 0) notBeforeNanos = notBefore;
    hasNotBefore = true;
  }

  /** The Welcome arrived: a later refusal may again be answered with one fresh token. */
  void connected() {
    reauthenticated = false;
  }

  /** The connection stayed up for the stability window: the outage is over. */
  void stable() {
    backoff = null;
    attempt = 0;
  }

  /**
   * The delay in ms before the next attempt after {@code error}, or {@link #FAIL}. Time already
   * spent on a failed attempt counts towards the wait; server hints, capped at
   * {@link #hintCapFor}, are a floor.
   */
  long decide(CorridorException error, boolean duringAttempt) {
    Disposition disposition = settings.errorPolicy.dispositionFor(error);
    if (disposition == Disposition.REAUTHENTICATE) {
      if (reauthenticated) return FAIL;
      reauthenticated = true;
      refreshToken = true;
    } else if (disposition == Disposition.FAIL) {
      return FAIL;
    }
    if (backoff == null) backoff = settings.backoffPolicy.newBackoff(settings.random);
    long delay = backoff.nextDelayMillis();
    if (duringAttempt) delay -= TimeUnit.NANOSECONDS.toMillis(attemptElapsedNanos());
    long floor = Math.min(error.retryAfterMillis(), hintCapMillis);
    if (hasNotBefore) {
      floor = Math.max(floor, TimeUnit.NANOSECONDS.toMillis(notBeforeNanos - settings.clock.nanoTime()));
    }
    return Math.max(Math.max(delay, floor), 0);
  }
}
