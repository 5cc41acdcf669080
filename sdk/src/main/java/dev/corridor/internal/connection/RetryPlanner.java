package dev.corridor.internal.connection;

import dev.corridor.BackoffPolicy;
import dev.corridor.CorridorException;
import dev.corridor.ErrorPolicy.Disposition;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Decides what follows a failure: the error policy's disposition, the one token refresh, and the
 * backoff delay floored by server hints. Owns the state of the current outage (its backoff and
 * attempt count), which resets only when a connection has stayed up for the stability window.
 * Confined to the client's serial context.
 */
final class RetryPlanner {
  /** Returned by {@link #decide} when the client must stop. */
  static final long FAIL = -1;

  private final ConnectionSettings settings;

  /** Delays of the current outage; null until its first failure. */
  private BackoffPolicy.@Nullable Backoff backoff;
  /** Attempts in the current outage (1-based once one has started). */
  private long attempt;
  private long attemptStartNanos;
  /** Clock nanos before which the server asked us not to reconnect (from an Error); 0 when none. */
  private long notBeforeNanos;
  /** The next token request must bypass caches (the last token was refused). */
  private boolean refreshToken;
  /** A refreshed token was already tried since the last Welcome: a further refusal is final. */
  private boolean reauthenticated;

  RetryPlanner(ConnectionSettings settings) {
    this.settings = settings;
  }

  /** An attempt starts now; returns its number within the outage. */
  long attemptStarted() {
    attempt++;
    attemptStartNanos = settings.clock.nanoTime();
    notBeforeNanos = 0;
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

  /** The server asked for at least {@code retryAfterMillis} before the next attempt. */
  void serverHint(long retryAfterMillis) {
    if (retryAfterMillis <= 0) return;
    long notBefore = settings.clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryAfterMillis);
    notBeforeNanos = Math.max(notBeforeNanos, notBefore);
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
   * spent on a failed attempt counts towards the wait; server hints are a floor.
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
    long floor = error.retryAfterMillis();
    if (notBeforeNanos != 0) {
      floor = Math.max(floor, TimeUnit.NANOSECONDS.toMillis(notBeforeNanos - settings.clock.nanoTime()));
    }
    return Math.max(Math.max(delay, floor), 0);
  }
}
