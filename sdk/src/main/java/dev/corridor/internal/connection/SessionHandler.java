package dev.corridor.internal.connection;

/**
 * The protocol layer as the connection sees it. All methods are called in the client's serial
 * context. Implemented by {@link dev.corridor.internal.session.Session}.
 */
public interface SessionHandler {
  /** The socket is open and the subprotocol agreed: send the Hello on {@code link}. */
  void onOpen(Link link);

  /** A message arrived (size already checked). Decode it and report through the control. */
  void onMessage(byte[] message);

  /**
   * The socket has no further message buffered: deliveries held back while a burst was being
   * read are handed to their listeners now.
   */
  default void endOfBurst() {}

  /** Build and send a Ping carrying {@code nonce}. */
  void sendPing(long nonce);

  /** The link is gone (any reason). The link passed to {@link #onOpen} must not be used again. */
  void onDisconnected();

  /** The client reached a terminal state: end everything still held. */
  void onTerminated();
}
