package dev.corridor.internal.transport;

import static dev.corridor.internal.transport.Frames.CONTROL_FLAG;
import static dev.corridor.internal.transport.Frames.CONTROL_MAX;
import static dev.corridor.internal.transport.Frames.FIN;
import static dev.corridor.internal.transport.Frames.LENGTH_16;
import static dev.corridor.internal.transport.Frames.LENGTH_64;
import static dev.corridor.internal.transport.Frames.LENGTH_MASK;
import static dev.corridor.internal.transport.Frames.MASK_FLAG;
import static dev.corridor.internal.transport.Frames.OPCODE_MASK;
import static dev.corridor.internal.transport.Frames.OP_BINARY;
import static dev.corridor.internal.transport.Frames.OP_CLOSE;
import static dev.corridor.internal.transport.Frames.OP_CONTINUATION;
import static dev.corridor.internal.transport.Frames.OP_PING;
import static dev.corridor.internal.transport.Frames.OP_PONG;
import static dev.corridor.internal.transport.Frames.OP_TEXT;
import static dev.corridor.internal.transport.Frames.RSV1;
import static dev.corridor.internal.transport.Frames.RSV2;
import static dev.corridor.internal.transport.Frames.RSV3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Reads RFC 6455 frames sent by a server. Not thread safe: one reader thread owns it.
 *
 * <p>Limits are checked at the depth where they protect something: a data frame's declared length
 * is checked against what is left of the message limit as soon as its header is read, before a
 * byte of its payload is read or any memory is set aside for it, so neither a huge frame nor a
 * header that lies about its length costs more than the limit; a compressed message is inflated in
 * bounded steps and given up as soon as it inflates past the limit. Every violation is a
 * {@link FrameException}; nothing else but the source's own {@link IOException}s leaves
 * {@link #readNext()}.
 */
final class FrameReader {
  /** What the reader found. Called on the reader thread. */
  interface Callback {
    /** A complete binary message: the array is the reader's no longer, nothing else holds it. */
    void onBinary(byte[] message) throws IOException;

    /** A complete text message of {@code bytes} bytes (read and discarded). */
    void onText(long bytes) throws IOException;

    void onPing(byte[] payload) throws IOException;

    void onPong() throws IOException;

    /** A close frame; {@code code} is {@link Frames#NO_STATUS} if it carried none. */
    void onClose(int code, String reason) throws IOException;
  }

  private final BufferedSource source;
  private final long maxMessageBytes;
  private final Callback callback;
  /** Inflates messages flagged RSV1, or null when permessage-deflate was not negotiated. */
  private final MessageInflater inflater;

  // The frame whose header was read last.
  private int opcode;
  private boolean fin;
  private boolean rsv1;
  private long length;

  private static final byte[] EMPTY = new byte[0];
  /** Fragments of a message that spans several frames (or is compressed). */
  private final Buffer assembled = new Buffer();
  private boolean closeReceived;

  FrameReader(BufferedSource source, long maxMessageBytes, MessageInflater inflater, Callback callback) {
    this.source = source;
    this.maxMessageBytes = maxMessageBytes;
    this.inflater = inflater;
    this.callback = callback;
  }

  /**
   * Reads one control frame or one whole message (with any control frames between its fragments).
   * Returns false once a close frame has been read: nothing may follow it.
   */
  boolean readNext() throws IOException {
    if (closeReceived) throw new IllegalStateException("close frame already read");
    readHeader();
    if ((opcode & CONTROL_FLAG) != 0) {
      readControl();
    } else {
      readMessage();
    }
    return !closeReceived;
  }

  private void readHeader() throws IOException {
    int b0 = source.readByte() & 0xff;
    opcode = b0 & OPCODE_MASK;
    fin = (b0 & FIN) != 0;
    rsv1 = (b0 & RSV1) != 0;
    boolean control = (opcode & CONTROL_FLAG) != 0;
    if (control && !fin) throw FrameException.protocol("fragmented control frame (opcode " + opcode + ")");
    if ((b0 & (RSV2 | RSV3)) != 0) throw FrameException.protocol("reserved bits RSV2/RSV3 set");
    if (rsv1 && (inflater == null || opcode == OP_CONTINUATION || control)) {
      throw FrameException.protocol("reserved bit RSV1 set without a negotiated extension");
    }
    int b1 = source.readByte() & 0xff;
    if ((b1 & MASK_FLAG) != 0) throw FrameException.protocol("server frames must not be masked");
    long len = b1 & LENGTH_MASK;
    if (len == LENGTH_16) {
      len = source.readShort() & 0xffff;
    } else if (len == LENGTH_64) {
      len = source.readLong();
      if (len < 0) throw FrameException.protocol("frame length over 2^63");
    }
    if (control && len > CONTROL_MAX) {
      throw FrameException.protocol("control frame of " + len + " bytes (at most " + CONTROL_MAX + ")");
    }
    length = len;
  }

  private void readControl() throws IOException {
    int n = (int) length;
    byte[] payload = n == 0 ? EMPTY : new byte[n];
    source.readFully(payload);
    switch (opcode) {
      case OP_PING:
        callback.onPing(payload);
        break;
      case OP_PONG:
        callback.onPong();
        break;
      case OP_CLOSE:
        readClose(payload);
        break;
      default:
        throw FrameException.protocol("unknown control opcode 0x" + Integer.toHexString(opcode));
    }
  }

  private void readClose(byte[] control) throws IOException {
    int n = control.length;
    if (n == 1) throw FrameException.protocol("close frame with a one-byte payload");
    int code = Frames.NO_STATUS;
    String reason = "";
    if (n >= 2) {
      code = ((control[0] & 0xff) << 8) | (control[1] & 0xff);
      String invalid = Frames.invalidCloseCode(code);
      if (invalid != null) throw FrameException.protocol(invalid);
      reason = utf8(control, 2, n - 2);
    }
    closeReceived = true;
    callback.onClose(code, reason);
  }

  private void readMessage() throws IOException {
    if (opcode != OP_TEXT && opcode != OP_BINARY) {
      throw FrameException.protocol(opcode == OP_CONTINUATION
          ? "continuation frame without a message to continue"
          : "unknown data opcode 0x" + Integer.toHexString(opcode));
    }
    final int messageOpcode = opcode;
    final boolean compressed = rsv1;
    if (fin && !compressed) { // the common case: one frame, read straight into the message's array
      checkLimit(length, 0);
      if (messageOpcode == OP_TEXT) {
        source.skip(length);
        callback.onText(length);
        return;
      }
      byte[] message = new byte[(int) length];
      source.readFully(message);
      callback.onBinary(message);
      return;
    }
    assembled.clear();
    while (true) {
      checkLimit(length, assembled.size());
      source.readFully(assembled, length);
      if (fin) break;
      // Control frames may come between fragments; a close ends the message unfinished.
      do {
        readHeader();
        if ((opcode & CONTROL_FLAG) == 0) break;
        readControl();
        if (closeReceived) {
          assembled.clear();
          return;
        }
      } while (true);
      if (opcode != OP_CONTINUATION) {
        throw FrameException.protocol("new message (opcode " + opcode + ") before the last one ended");
      }
    }
    long size = assembled.size();
    if (compressed) {
      byte[] inflated = inflater.inflate(assembled.readByteArray(), maxMessageBytes);
      size = inflated.length;
      if (messageOpcode == OP_BINARY) {
        callback.onBinary(inflated);
        return;
      }
    } else if (messageOpcode == OP_BINARY) {
      callback.onBinary(assembled.readByteArray());
      return;
    }
    assembled.clear();
    callback.onText(size);
  }

  /** Refuses a frame of {@code frameLength} on top of {@code sofar} bytes before reading it. */
  private void checkLimit(long frameLength, long sofar) throws FrameException {
    if (frameLength > maxMessageBytes - sofar) {
      throw FrameException.tooBig(sofar + frameLength, maxMessageBytes,
          sofar == 0 ? "frame" : "message (fragmented)");
    }
  }

  static String utf8(byte[] bytes, int offset, int length) throws FrameException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new FrameException(FrameException.INVALID_PAYLOAD, "close reason is not UTF-8");
    }
  }
}
