package dev.corridor.internal.transport;

import java.io.IOException;

/**
 * The peer broke RFC 6455 or a limit of ours. Thrown by the frame reader (never anything else but
 * an {@link IOException}), after which the socket closes with {@link #closeCode()}.
 */
public final class FrameException extends IOException {
  private static final long serialVersionUID = 1L;

  /** 1002: the peer broke the WebSocket protocol. */
  public static final int PROTOCOL_ERROR = 1002;
  /** 1007: a text frame or close reason that is not UTF-8. */
  public static final int INVALID_PAYLOAD = 1007;
  /** 1009: a message larger than the inbound limit. */
  public static final int MESSAGE_TOO_BIG = 1009;

  private final int closeCode;

  FrameException(int closeCode, String message) {
    super(message);
    this.closeCode = closeCode;
  }

  static FrameException protocol(String message) {
    return new FrameException(PROTOCOL_ERROR, message);
  }

  static FrameException tooBig(long bytes, long limit, String what) {
    return new FrameException(MESSAGE_TOO_BIG, what + " of " + bytes + " bytes exceeds the limit of " + limit);
  }

  /** The close code this violation calls for. */
  public int closeCode() {
    return closeCode;
  }

  /** True when the message was refused for its size rather than its form. */
  public boolean isTooLarge() {
    return closeCode == MESSAGE_TOO_BIG;
  }
}
