package dev.corridor.internal.transport;

import org.jspecify.annotations.Nullable;

/** Callbacks from one socket. Called on the transport's threads, never concurrently for one socket. */
public interface TransportListener {
  /**
   * The upgrade succeeded. {@code subprotocol} is the server's {@code Sec-WebSocket-Protocol} and
   * {@code extensions} its {@code Sec-WebSocket-Extensions}, each null when it sent none. Called
   * before any message is read.
   */
  void onOpen(@Nullable String subprotocol, @Nullable String extensions);

  /** A binary message arrived. */
  default void onMessage(byte[] message) {
    onMessage(message, false);
  }

  /**
   * A binary message arrived. {@code moreBuffered}: the next frame is already complete in the read
   * buffer, so another callback follows without waiting for the network; when none does,
   * {@link #onEndOfBurst} says so. Lets the receiver hand a burst on in one piece.
   */
  void onMessage(byte[] message, boolean moreBuffered);

  /**
   * A ping or pong frame arrived: proof that the link is alive, like any message. Not called for
   * every one of a flood: the first after a message, then every {@code 64}th.
   */
  default void onControlFrame() {}

  /** The burst announced by {@code moreBuffered} ended without another message (a control frame was last). */
  default void onEndOfBurst() {}

  /** A text message arrived (protocol v1 uses binary frames only). */
  void onTextMessage(int length);

  /** The peer sent a close frame. */
  void onClosing(int code, String reason);

  /** The socket is closed after both sides exchanged close frames. */
  void onClosed(int code, String reason);

  /**
   * The upgrade or the connection failed. {@code httpStatus} is the upgrade's status when the server
   * answered with something other than 101, else -1; {@code retryAfter} is its raw
   * {@code Retry-After} header, if any.
   */
  void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter);
}
