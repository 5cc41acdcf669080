package dev.corridor.internal.connection;

import dev.corridor.BackoffPolicy;
import dev.corridor.CorridorException;
import dev.corridor.ErrorPolicy.Disposition;
import dev.corridor.ExponentialBackoff;
import java.util.concurrent.TimeUnit;

/**
 * Decides what follows a failure: the error policy's disposition, the one token refresh, and the
 * wait before the next attempt. Confined to the client's serial context.
 *
 * <p>Pacing: every failure moves one {@link BackoffPolicy step} up (never past the policy's steady
 * step), and every {@link #PAYBACK_NANOS} that a connection stays healthy pays one back. Healthy
 * time runs from the Welcome to the last message received, so a connection that is accepted and
 * dropped at once, or one that went silent, pays nothing back. The wait after a failed attempt is
 * measured from that attempt's start; after a lost connection, from the loss, so that a healthy
 * connection's first retry is still jittered. Server hints, capped at {@link #hintCapFor}, are a
 * floor. Attempts the application or the network asks for at once are still spaced
 * {@link #MIN_SPACING_NANOS} apart.
 */
final class RetryPlanner {
  /** Returned by {@link #decide} when the client must stop. */
  static final long FAIL = -1;
  /** Healthy connection time that pays back one step. */
  static final long PAYBACK_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** The least time between the starts of two attempts, even when asked for one at once. */
  static final long MIN_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** A server hint may impose at most this many times an {@link ExponentialBackoff}'s longest wait. */
  static final int HINT_CAP_FACTOR = 10;
  /** The most a server hint may impose when the backoff policy is not an {@link ExponentialBackoff}. */
  static final long DEFAULT_HINT_CAP_MILLIS = TimeUnit.MINUTES.toMillis(5);

  private final ConnectionSettings settings;
  private final BackoffPolicy policy;
  private final int steadyStep;
  /** The longest wait any server hint may impose (see {@link #hintCapFor}). */
  private final long hintCapMillis;

  /** Failures not yet paid back by healthy connection time, in [0, steadyStep]. */
  private int step;
  /** Whether an outage is running: a failure since the steps were last paid back in full. */
  private boolean outage;
  /** Clock nanos at which the current outage began (its first failure, or a network change). */
  private long outageStartNanos;
  /** Attempts since the steps were last paid back in full (1-based once one has started). */
  private long attempt;
  private long attemptStartNanos;
  private boolean anyAttempt;
  /** Clock nanos of the current connection's Welcome. */
  private long connectedNanos;
  /** Clock nanos before which the server asked us not to reconnect (from an Error), if {@link #hasNotBefore}. */
  private long notBeforeNanos;
  private boolean hasNotBefore;
  /** The next token request must bypass caches (the last token was refused). */
  private boolean refreshToken;
  /** A refreshed token was already tried since the last Welcome: a further refusal is final. */
  private boolean reauthenticated;

  RetryPlanner(ConnectionSettings settings) {
    this.settings = settings;
    this.policy = settings.backoffPolicy;
    this.steadyStep = Math.max(0, policy.steadyStep());
    this.hintCapMillis = hintCapFor(policy);
  }

  /**
   * The longest wait a server hint may impose: {@link #HINT_CAP_FACTOR} times the longer of an
   * {@link ExponentialBackoff}'s cap and slow delay, otherwise {@link #DEFAULT_HINT_CAP_MILLIS}. A
   * broken or hostile server must not park the client for ever (a {@code Retry-After} of 68 years).
   */
  static long hintCapFor(BackoffPolicy policy) {
    if (!(policy instanceof ExponentialBackoff)) return DEFAULT_HINT_CAP_MILLIS;
    ExponentialBackoff b = (ExponentialBackoff) policy;
    long longest = Math.max(b.maxDelayMillis(), b.slowDelayMillis());
    return longest > Long.MAX_VALUE / HINT_CAP_FACTOR ? Long.MAX_VALUE : longest * HINT_CAP_FACTOR;
  }

  /** An attempt starts now; returns its number since the steps were last paid back. */
  long attemptStarted() {
    attempt++;
    attemptStartNanos = settings.clock.nanoTime();
    anyAttempt = true;
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

  /**
   * How long an attempt asked for at once must still wait so that attempts start at least
   * {@link #MIN_SPACING_NANOS} apart; 0 if it may start now.
   */
  long spacingNanos() {
    if (!anyAttempt) return 0;
    return Math.max(0, MIN_SPACING_NANOS - (settings.clock.nanoTime() - attemptStartNanos));
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
    connectedNanos = settings.clock.nanoTime();
  }

  /**
   * The connection that began at {@link #connected()} has ended; it was healthy until
   * {@code lastInboundNanos}. Pays back one step per {@link #PAYBACK_NANOS} of that.
   */
  void connectionEnded(long lastInboundNanos) {
    long healthy = lastInboundNanos - connectedNanos;
    if (healthy < PAYBACK_NANOS) return;
    long paid = healthy / PAYBACK_NANOS;
    step = paid >= step ? 0 : step - (int) paid;
    if (step == 0) {
      outage = false;
      attempt = 0;
    }
  }

  /** The network changed, or the application asked for an attempt now: a new outage begins. */
  void outageRestarted() {
    outageStartNanos = settings.clock.nanoTime();
  }

  /** The current step, for tests and diagnostics. */
  int step() {
    return step;
  }

  /**
   * The delay in ms before the next attempt after {@code error}, or {@link #FAIL}.
   * {@code duringAttempt}: the failure ended an attempt (the wait counts from its start) rather
   * than a connection (the wait counts from now).
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
    long now = settings.clock.nanoTime();
    if (!outage) {
      outage = true;
      outageStartNanos = now;
    }
    long outageMillis = TimeUnit.NANOSECONDS.toMillis(now - outageStartNanos);
    long delay = policy.delayMillis(step, outageMillis, settings.random);
    if (step < steadyStep) step++;
    if (duringAttempt) delay -= TimeUnit.NANOSECONDS.toMillis(now - attemptStartNanos);
    long floor = Math.min(error.retryAfterMillis(), hintCapMillis);
    if (hasNotBefore) {
      floor = Math.max(floor, TimeUnit.NANOSECONDS.toMillis(notBeforeNanos - now));
    }
    return Math.max(Math.max(delay, floor), 0);
  }
}
