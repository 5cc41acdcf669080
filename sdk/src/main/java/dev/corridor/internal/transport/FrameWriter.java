package dev.corridor.internal.transport;

import static dev.corridor.internal.transport.Frames.FIN;
import static dev.corridor.internal.transport.Frames.LENGTH_16;
import static dev.corridor.internal.transport.Frames.LENGTH_64;
import static dev.corridor.internal.transport.Frames.LENGTH_7_MAX;
import static dev.corridor.internal.transport.Frames.MASK_FLAG;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import okio.BufferedSink;

/**
 * Writes masked RFC 6455 frames from a client. Not thread safe: one writer task at a time owns it.
 * Frames are written into the sink's buffer, which emits full segments as it goes; the owner
 * flushes once per batch, so a burst of small messages costs one flush, not one per message.
 *
 * <p>Every frame gets a fresh masking key from a {@link SecureRandom} (RFC 6455 section 5.3:
 * keys must not be predictable), drawn {@link #KEYS_PER_DRAW} at a time to keep the generator's
 * lock off the per-frame path.
 */
final class FrameWriter {
  static final int KEYS_PER_DRAW = 64;
  private static final int MAX_CHUNK = 8192;

  private final BufferedSink sink;
  private final SecureRandom random;
  private final byte[] keys = new byte[4 * KEYS_PER_DRAW];
  private int nextKey = keys.length;
  /**
   * Where payloads are masked on their way to the sink: grown on demand up to 8 KiB, so that an
   * idle connection (a Hello, a few Pings) holds a few hundred bytes rather than the largest chunk.
   */
  private byte[] scratch = new byte[0];

  FrameWriter(BufferedSink sink, SecureRandom random) {
    this.sink = sink;
    this.random = random;
  }

  void writeFrame(int opcode, byte[] payload) throws IOException {
    writeFrame(opcode, payload, 0, payload.length);
  }

  /**
   * A close frame; the reason is cut to fit the 125-byte control payload, at a character boundary:
   * a reason that is not UTF-8 makes the peer fail the close with 1007 (RFC 6455 section 8.1).
   */
  void writeClose(int code, String reason) throws IOException {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(text.length, Frames.CONTROL_MAX - 2);
    // Never end inside a character: back off while the first byte left out continues one.
    while (n > 0 && n < text.length && (text[n] & 0xc0) == 0x80) n--;
    byte[] payload = new byte[2 + n];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, n);
    writeFrame(Frames.OP_CLOSE, payload, 0, payload.length);
  }

  void flush() throws IOException {
    sink.flush();
  }

  private void writeFrame(int opcode, byte[] payload, int offset, int length) throws IOException {
    sink.writeByte(FIN | opcode);
    if (length <= LENGTH_7_MAX) {
      sink.writeByte(MASK_FLAG | length);
    } else if (length <= 0xffff) {
      sink.writeByte(MASK_FLAG | LENGTH_16);
      sink.writeShort(length);
    } else {
      sink.writeByte(MASK_FLAG | LENGTH_64);
      sink.writeLong(length);
    }
    if (nextKey == keys.length) {
      random.nextBytes(keys);
      nextKey = 0;
    }
    int k = nextKey;
    nextKey += 4;
    sink.write(keys, k, 4);
    byte[] out = scratch;
    if (out.length < Math.min(length, MAX_CHUNK)) {
      out = new byte[Math.min(MAX_CHUNK, Integer.highestOneBit(Math.max(length, 64) - 1) << 1)];
      scratch = out;
    }
    int done = 0;
    while (done < length) {
      int n = Math.min(out.length, length - done);
      // The key repeats every 4 bytes from the payload's start; chunks are multiples of 4 long.
      for (int i = 0; i < n; i++) {
        out[i] = (byte) (payload[offset + done + i] ^ keys[k + ((done + i) & 3)]);
      }
      sink.write(out, 0, n);
      done += n;
    }
  }
}
