package dev.corridor.bench.wire;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the client's masked, unfragmented frames and hands them to a {@link Handler}. */
final class FrameReader {
  interface Handler {
    /** {@code moreAvailable}: more bytes are already buffered, so the client is still sending. */
    void onBinary(byte[] payload, boolean moreAvailable) throws IOException;

    void onText(String text) throws IOException;

    void onPing(byte[] payload) throws IOException;

    /** {@code code} is 0 when the close frame carried none. */
    void onClose(int code) throws IOException;
  }

  private final BufferedInputStream buffered;
  private final DataInputStream in;

  FrameReader(InputStream in) {
    this.buffered = new BufferedInputStream(in, 1 << 16);
    this.in = new DataInputStream(buffered);
  }

  /** Reads until the client closes; returns after answering its close frame. */
  void forEach(Handler handler) throws IOException {
    byte[] mask = new byte[4];
    while (true) {
      int b0 = in.read();
      if (b0 < 0) return;
      int b1 = in.readUnsignedByte();
      int opcode = b0 & 0x0F;
      if ((b0 & 0x80) == 0 || opcode == 0) throw new IOException("fragmented frames are not supported");
      long length = b1 & 0x7F;
      if (length == 126) length = in.readUnsignedShort();
      else if (length == 127) length = in.readLong();
      if (length > (64 << 20)) throw new IOException("frame too large: " + length);
      if ((b1 & 0x80) == 0) throw new IOException("client frame not masked");
      in.readFully(mask);
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      switch (opcode) {
        case FrameWriter.BINARY -> handler.onBinary(payload, buffered.available() > 0);
        case FrameWriter.TEXT -> handler.onText(new String(payload, StandardCharsets.UTF_8));
        case FrameWriter.PING -> handler.onPing(payload);
        case FrameWriter.PONG -> { }
        case FrameWriter.CLOSE -> {
          handler.onClose(payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 0);
          return;
        }
        default -> throw new EOFException("unknown opcode " + opcode);
      }
    }
  }
}
