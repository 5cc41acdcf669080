package dev.corridor;

/**
 * The observable state of a {@link CorridorClient}'s connection.
 *
 * <p>Every change is reported once, as a {@link StateChange}, to {@link StateListener}s and to
 * {@link EventListener#stateChanged}. The full transition table is in {@code docs/state-machine.md}.
 * {@link #CLOSED} and {@link #FAILED} are terminal: a client that reaches them never changes state
 * again.
 */
public enum ConnectionState {
  /**
   * Built, {@link CorridorClient#connect()} not yet called. Left by {@code connect()} (to
   * {@link #CONNECTING}, {@link #OFFLINE} or {@link #PAUSED}) or {@code close()} (to {@link #CLOSED}).
   */
  IDLE,

  /**
   * An attempt is under way: the token is fetched, the WebSocket upgrade is made and the client's
   * Hello awaits the server's Welcome. Left for {@link #CONNECTED} when the Welcome arrives, for
   * {@link #WAITING_TO_RETRY} or {@link #FAILED} when the attempt fails (as the error policy says),
   * for {@link #OFFLINE} when the network is lost, for {@link #PAUSED} on {@code pause()} and for
   * {@link #CLOSED} on {@code close()}.
   */
  CONNECTING,

  /**
   * The server's Welcome was received: the session is established and messages flow. Left for
   * {@link #WAITING_TO_RETRY} when the link drops or the heartbeat finds it dead, for {@link #FAILED}
   * on a non-retryable close, for {@link #OFFLINE} when the network is lost, and for {@link #CLOSING}
   * on {@code close()} or {@code pause()}.
   */
  CONNECTED,

  /**
   * The last attempt or connection failed and the next attempt is scheduled after a backoff delay
   * ({@link StateChange#retryDelayMillis()}). Left for {@link #CONNECTING} when the delay elapses or
   * the network comes back, for {@link #OFFLINE}, {@link #PAUSED} or {@link #CLOSED}.
   */
  WAITING_TO_RETRY,

  /**
   * The {@link NetworkMonitor} reports no network: no attempts are made. Left for {@link #CONNECTING}
   * as soon as the network is back (no remaining backoff is waited for), for {@link #PAUSED} or
   * {@link #CLOSED}.
   */
  OFFLINE,

  /**
   * The application called {@code pause()} (e.g. it went to the background): the connection is
   * closed cleanly and no attempts are made. Left by {@code resume()} (to {@link #CONNECTING} or
   * {@link #OFFLINE}) or {@code close()} (to {@link #CLOSED}).
   */
  PAUSED,

  /**
   * A clean close of an established connection is under way (after {@code close()} or
   * {@code pause()}): a close frame was sent and the server's answer is awaited, for at most the
   * configured close timeout. Left for {@link #CLOSED} or {@link #PAUSED} (or, if {@code resume()}
   * was called meanwhile, {@link #CONNECTING}).
   */
  CLOSING,

  /** Terminal: closed by the application. No further state changes or callbacks follow. */
  CLOSED,

  /**
   * Terminal: a non-retryable failure (authentication refused twice, protocol or subprotocol
   * mismatch, policy violation, or an error the {@link ErrorPolicy} marks as fatal). The cause is
   * in {@link StateChange#error()}.
   */
  FAILED;

  /** True for {@link #CLOSED} and {@link #FAILED}, which are never left. */
  public boolean isTerminal() {
    return this == CLOSED || this == FAILED;
  }
}
