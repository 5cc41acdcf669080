package dev.corridor.internal.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;

/**
 * RFC 6455 frames as bytes, written independently of {@link FrameWriter} and {@link FrameReader}
 * so that tests do not check the transport against itself: server frames (unmasked, any header a
 * test wants, lies included) and a decoder for the masked frames a client sends.
 */
public final class WireFrames {
  private WireFrames() {}

  public static final int FIN = 0x80;
  public static final int RSV1 = 0x40;
  public static final int RSV2 = 0x20;
  public static final int RSV3 = 0x10;
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xa;

  /** Length forms: the 7-bit field, the 16-bit extension, the 64-bit extension. */
  public static final int FORM_7 = 7;
  public static final int FORM_16 = 16;
  public static final int FORM_64 = 64;

  /** The smallest length form that holds {@code length}, as RFC 6455 section 5.2 requires. */
  public static int minimalForm(long length) {
    return length <= 125 ? FORM_7 : length <= 0xffff ? FORM_16 : FORM_64;
  }

  /** A frame's header declaring {@code length} in the minimal form, unmasked. */
  public static byte[] header(int b0, long length) {
    return header(b0, length, minimalForm(length), false);
  }

  /**
   * A frame's header: first byte {@code b0} (FIN, RSV and opcode bits), {@code length} written in
   * {@code form} whatever it is (so a header may lie, or use a longer form than needed), and the
   * mask bit if {@code masked} (then a test appends the 4-byte key itself).
   */
  public static byte[] header(int b0, long length, int form, boolean masked) {
    Buffer b = new Buffer();
    b.writeByte(b0);
    int mask = masked ? 0x80 : 0;
    switch (form) {
      case FORM_7:
        b.writeByte(mask | (int) length);
        break;
      case FORM_16:
        b.writeByte(mask | 126);
        b.writeShort((int) length);
        break;
      case FORM_64:
        b.writeByte(mask | 127);
        b.writeLong(length);
        break;
      default:
        throw new IllegalArgumentException("form " + form);
    }
    return b.readByteArray();
  }

  /** A whole unmasked frame, length in the minimal form. */
  public static byte[] frame(int b0, byte[] payload) {
    return concat(header(b0, payload.length), payload);
  }

  /** An unfragmented binary message. */
  public static byte[] binary(byte[] payload) {
    return frame(FIN | BINARY, payload);
  }

  public static byte[] ping(byte[] payload) {
    return frame(FIN | PING, payload);
  }

  public static byte[] pong(byte[] payload) {
    return frame(FIN | PONG, payload);
  }

  /** A close frame with {@code code} (any value, valid or not) and a UTF-8 reason. */
  public static byte[] close(int code, String reason) {
    return close(code, reason.getBytes(StandardCharsets.UTF_8));
  }

  /** A close frame with {@code code} and raw reason bytes (which need not be UTF-8). */
  public static byte[] close(int code, byte[] reason) {
    byte[] payload = new byte[2 + reason.length];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(reason, 0, payload, 2, reason.length);
    return frame(FIN | CLOSE, payload);
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.write(p, 0, p.length);
    return out.toByteArray();
  }

  /** {@code n} bytes, a function of {@code seed} and the index, so that a misplaced byte shows. */
  public static byte[] pattern(int n, long seed) {
    byte[] b = new byte[n];
    long x = seed * 0x9E3779B97F4A7C15L + n;
    for (int i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }

  // ---- permessage-deflate (RFC 7692) ----

  /**
   * {@code message} compressed as one permessage-deflate message by {@code deflater} (raw DEFLATE,
   * sync-flushed, the trailing {@code 00 00 ff ff} removed, as section 7.2.1 asks). The deflater
   * keeps its window between calls: context takeover.
   */
  public static byte[] deflateMessage(Deflater deflater, byte[] message) {
    byte[] bytes = syncFlushed(deflater, message);
    // zlib flushes nothing for an empty message right after a flush; RFC 7692 section 7.2.3.6
    // sends it as a single 0x00 (with the tail the receiver appends, an empty stored block).
    return bytes.length == 0 ? new byte[] {0} : stripTail(bytes);
  }

  private static byte[] stripTail(byte[] bytes) {
    int n = bytes.length;
    if (n < 4 || bytes[n - 4] != 0 || bytes[n - 3] != 0 || bytes[n - 2] != (byte) 0xff
        || bytes[n - 1] != (byte) 0xff) {
      throw new AssertionError("a sync flush ends with 00 00 ff ff");
    }
    return Arrays.copyOf(bytes, n - 4);
  }

  /**
   * A permessage-deflate payload that inflates to {@code mebibytes} MiB of zeros, built without
   * holding them: the first MiB is deflated, then a second one, whose sync-flushed output (runs of
   * back-references into the zeros before it) is the same for every further MiB and is repeated.
   */
  public static byte[] zeroBomb(int mebibytes) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      byte[] zeros = new byte[1 << 20];
      byte[] first = syncFlushed(deflater, zeros);
      byte[] next = syncFlushed(deflater, zeros);
      byte[] check = syncFlushed(deflater, zeros);
      if (!Arrays.equals(next, check)) throw new AssertionError("each further MiB deflates alike");
      ByteArrayOutputStream out = new ByteArrayOutputStream(first.length + next.length * mebibytes);
      out.write(first, 0, first.length);
      for (int i = 1; i < mebibytes; i++) out.write(next, 0, next.length);
      return stripTail(out.toByteArray());
    } finally {
      deflater.end();
    }
  }

  private static byte[] syncFlushed(Deflater deflater, byte[] input) {
    deflater.setInput(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    do {
      n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
      out.write(chunk, 0, n);
    } while (n == chunk.length || !deflater.needsInput());
    return out.toByteArray();
  }

  // ---- Client frames ----

  /** A frame as a client sent it, unmasked. */
  public static final class ClientFrame {
    public final int b0;
    public final boolean masked;
    /** The length form the client used: {@link #FORM_7}, {@link #FORM_16} or {@link #FORM_64}. */
    public final int form;
    public final byte[] key;
    public final byte[] payload;

    ClientFrame(int b0, boolean masked, int form, byte[] key, byte[] payload) {
      this.b0 = b0;
      this.masked = masked;
      this.form = form;
      this.key = key;
      this.payload = payload;
    }

    public int opcode() {
      return b0 & 0x0f;
    }

    public boolean fin() {
      return (b0 & FIN) != 0;
    }

    /** The close code of a close frame, 1005 if it has none. */
    public int closeCode() {
      if (opcode() != CLOSE) throw new IllegalStateException("not a close frame: opcode " + opcode());
      return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    public String closeReason() {
      return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "ClientFrame{b0=0x" + Integer.toHexString(b0) + ", masked=" + masked + ", form=" + form
          + ", " + payload.length + " bytes}";
    }
  }

  /**
   * Reads one client frame and unmasks it. Refuses (with an {@link AssertionError}) payloads over
   * {@code maxPayload}, so a broken client cannot make a test allocate without bound.
   */
  public static ClientFrame readClientFrame(BufferedSource in, long maxPayload) throws IOException {
    int b0 = in.readByte() & 0xff;
    int b1 = in.readByte() & 0xff;
    boolean masked = (b1 & 0x80) != 0;
    long len = b1 & 0x7f;
    int form = FORM_7;
    if (len == 126) {
      len = in.readShort() & 0xffff;
      form = FORM_16;
    } else if (len == 127) {
      len = in.readLong();
      form = FORM_64;
    }
    if (len < 0 || len > maxPayload) {
      throw new AssertionError("client frame of " + len + " bytes (at most " + maxPayload + " expected)");
    }
    byte[] key = masked ? in.readByteArray(4) : new byte[0];
    byte[] payload = in.readByteArray(len);
    if (masked) {
      for (int i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
    }
    return new ClientFrame(b0, masked, form, key, payload);
  }

  /** Hex of at most the first {@code max} bytes, for failure messages. */
  public static String hex(byte[] bytes, int max) {
    String h = ByteString.of(bytes, 0, Math.min(bytes.length, max)).hex();
    return bytes.length > max ? h + "... (" + bytes.length + " bytes)" : h;
  }
}
