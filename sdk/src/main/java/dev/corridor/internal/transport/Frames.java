package dev.corridor.internal.transport;

/** RFC 6455 constants shared by the frame reader and writer. */
final class Frames {
  private Frames() {}

  static final int FIN = 0x80;
  static final int RSV1 = 0x40;
  static final int RSV2 = 0x20;
  static final int RSV3 = 0x10;
  static final int OPCODE_MASK = 0x0f;
  static final int CONTROL_FLAG = 0x08;
  static final int MASK_FLAG = 0x80;
  static final int LENGTH_MASK = 0x7f;

  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xa;

  /** Longest payload a control frame may carry. */
  static final int CONTROL_MAX = 125;
  /** Lengths up to this fit in the 7-bit field; up to 0xffff in 16 bits; beyond, in 64. */
  static final int LENGTH_7_MAX = 125;
  static final int LENGTH_16 = 126;
  static final int LENGTH_64 = 127;

  /** The close code reported when a close frame carried none (never sent on the wire). */
  static final int NO_STATUS = 1005;

  /** The magic GUID of RFC 6455 section 1.3, appended to the key for Sec-WebSocket-Accept. */
  static final String ACCEPT_MAGIC = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** Why {@code code} may not appear in a close frame, or null if it may (RFC 6455 section 7.4). */
  static String invalidCloseCode(int code) {
    if (code < 1000 || code >= 5000) return "close code " + code + " is outside [1000, 5000)";
    if ((code >= 1004 && code <= 1006) || (code >= 1015 && code <= 2999)) {
      return "close code " + code + " is reserved";
    }
    return null;
  }
}
