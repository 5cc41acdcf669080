package dev.corridor.internal.connection;

import dev.corridor.CorridorException;

/** What the session layer reports to the connection. Called only in the client's serial context. */
public interface ConnectionControl {
  /**
   * The server's Welcome arrived: the connection is established. {@code heartbeatHintMillis} is the
   * server's preferred ping interval, or 0.
   */
  void welcomed(long heartbeatHintMillis);

  /** A Pong answered the Ping with {@code nonce}. */
  void pongReceived(long nonce);

  /** The server reported a connection-level error; {@code retryAfterMillis} floors the next wait. */
  void serverError(CorridorException error);

  /** The connection must end because of {@code error} (e.g. unsupported protocol version). */
  void abort(CorridorException error);

  /** An inbound message was discarded; the connection carries on. */
  void protocolError(CorridorException error);
}
