package dev.corridor;

import dev.corridor.internal.StateChangeAccess;
import org.jspecify.annotations.Nullable;

/**
 * One transition of a client's {@link ConnectionState}. Immutable. Built by the client; tests build
 * one with {@link dev.corridor.testing.TestValues#stateChange TestValues.stateChange}.
 */
public final class StateChange {
  static {
    StateChangeAccess.install(StateChange::new);
  }

  /** Why a transition happened. */
  public enum Cause {
    /** {@link CorridorClient#connect()} was called. */
    CONNECT_REQUESTED,
    /** The backoff delay elapsed. */
    RETRY_TIMER,
    /** The server's Welcome was received. */
    WELCOME_RECEIVED,
    /** An attempt failed before the Welcome; see {@link StateChange#error()}. */
    ATTEMPT_FAILED,
    /** An established connection was lost; see {@link StateChange#error()}. */
    CONNECTION_LOST,
    /** The heartbeat found the link dead. */
    HEARTBEAT_TIMEOUT,
    /** The network monitor reported the network lost. */
    NETWORK_LOST,
    /** The network monitor reported the network available. */
    NETWORK_AVAILABLE,
    /** The network monitor reported a move to another network: the old link was abandoned. */
    NETWORK_CHANGED,
    /** {@link CorridorClient#retryNow()} was called. */
    RETRY_REQUESTED,
    /** {@link CorridorClient#pause()} was called. */
    PAUSE_REQUESTED,
    /** {@link CorridorClient#resume()} was called. */
    RESUME_REQUESTED,
    /** {@link CorridorClient#close()} was called. */
    CLOSE_REQUESTED,
    /** A clean close finished (or its timeout elapsed). */
    CLOSE_COMPLETED,
    /**
     * A RELIABLE listener held the socket's reads for longer than the read-hold timeout; see
     * {@link CorridorException.Kind#SLOW_CONSUMER}.
     */
    READS_HELD_TOO_LONG,
    /** A bug in Corridor; see {@link CorridorException.Kind#INTERNAL}. */
    INTERNAL_ERROR
  }

  private final ConnectionState previous;
  private final ConnectionState current;
  private final Cause cause;
  private final @Nullable CorridorException error;
  private final long retryDelayMillis;

  private StateChange(
      ConnectionState previous,
      ConnectionState current,
      Cause cause,
      @Nullable CorridorException error,
      long retryDelayMillis) {
    this.previous = previous;
    this.current = current;
    this.cause = cause;
    this.error = error;
    this.retryDelayMillis = retryDelayMillis;
  }

  public ConnectionState previous() {
    return previous;
  }

  public ConnectionState current() {
    return current;
  }

  public Cause cause() {
    return cause;
  }

  /** The failure behind this change, or null when it was requested or routine. */
  public @Nullable CorridorException error() {
    return error;
  }

  /**
   * When {@link #current()} is {@link ConnectionState#WAITING_TO_RETRY}, the delay until the next
   * attempt in milliseconds; otherwise -1.
   */
  public long retryDelayMillis() {
    return retryDelayMillis;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder().append(previous).append(" -> ").append(current)
        .append(" (").append(cause);
    if (error != null) s.append(": ").append(error.getMessage());
    if (retryDelayMillis >= 0) s.append(", retry in ").append(retryDelayMillis).append(" ms");
    return s.append(')').toString();
  }
}
