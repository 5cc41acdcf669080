package dev.corridor.bench.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes unmasked server frames. Writes from the connection's reader thread (answers) and its
 * feed thread are serialized on this object; the feed writes in large batches.
 */
final class FrameWriter {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;
  private static final int BATCH = 1 << 18;

  private final OutputStream out;
  private final byte[] header = new byte[10];

  FrameWriter(OutputStream out) {
    this.out = out;
  }

  synchronized void raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  synchronized void frame(int opcode, byte[] payload, int offset, int length) throws IOException {
    int n = header(header, 0, opcode, length);
    out.write(header, 0, n);
    out.write(payload, offset, length);
    out.flush();
  }

  void close(int code, String reason) throws IOException {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + text.length];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, text.length);
    frame(CLOSE, payload, 0, payload.length);
  }

  /**
   * Writes {@code count} frames of {@code template} with sequences 1..count, in batches of about
   * 256 KiB; each batch holds the lock only while it is written.
   */
  void feed(DeliverTemplate template, int count) throws IOException {
    feed(template, count, 0);
  }

  /**
   * As {@link #feed(DeliverTemplate, int)}, at {@code ratePerSecond} messages a second if it is
   * above 0: batches of a millisecond's worth, each written when the schedule says it is due.
   */
  void feed(DeliverTemplate template, int count, int ratePerSecond) throws IOException {
    byte[] frame = new byte[10 + template.length()];
    int headerLength = header(frame, 0, BINARY, template.length());
    template.copyInto(frame, headerLength);
    int frameLength = headerLength + template.length();
    int perBatch = ratePerSecond > 0 ? Math.max(1, ratePerSecond / 1000) : Math.max(1, BATCH / frameLength);
    long start = System.nanoTime();
    byte[] batch = new byte[perBatch * frameLength];
    int sequenceOffset = headerLength + template.sequenceOffset();
    for (int i = 0; i < perBatch; i++) System.arraycopy(frame, 0, batch, i * frameLength, frameLength);
    long next = 1;
    while (next <= count) {
      int n = (int) Math.min(perBatch, count - next + 1);
      if (ratePerSecond > 0) {
        long due = start + (next - 1) * 1_000_000_000L / ratePerSecond;
        for (long wait; (wait = due - System.nanoTime()) > 0; ) java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      for (int i = 0; i < n; i++) DeliverTemplate.patchSequence(batch, i * frameLength + sequenceOffset, next++);
      synchronized (this) {
        out.write(batch, 0, n * frameLength);
        out.flush();
      }
      if (Thread.interrupted()) return;
    }
  }

  private static int header(byte[] into, int at, int opcode, int length) {
    into[at] = (byte) (0x80 | opcode);
    if (length < 126) {
      into[at + 1] = (byte) length;
      return 2;
    }
    if (length <= 0xFFFF) {
      into[at + 1] = 126;
      into[at + 2] = (byte) (length >> 8);
      into[at + 3] = (byte) length;
      return 4;
    }
    into[at + 1] = 127;
    for (int i = 0; i < 8; i++) into[at + 2 + i] = (byte) ((long) length >> (56 - 8 * i));
    return 10;
  }
}
