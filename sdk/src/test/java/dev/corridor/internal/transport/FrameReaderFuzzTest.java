package dev.corridor.internal.transport;

import static dev.corridor.internal.transport.WireFrames.BINARY;
import static dev.corridor.internal.transport.WireFrames.CLOSE;
import static dev.corridor.internal.transport.WireFrames.CONTINUATION;
import static dev.corridor.internal.transport.WireFrames.FIN;
import static dev.corridor.internal.transport.WireFrames.FORM_16;
import static dev.corridor.internal.transport.WireFrames.FORM_64;
import static dev.corridor.internal.transport.WireFrames.FORM_7;
import static dev.corridor.internal.transport.WireFrames.PING;
import static dev.corridor.internal.transport.WireFrames.PONG;
import static dev.corridor.internal.transport.WireFrames.RSV1;
import static dev.corridor.internal.transport.WireFrames.RSV2;
import static dev.corridor.internal.transport.WireFrames.RSV3;
import static dev.corridor.internal.transport.WireFrames.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.internal.transport.RecordingFrameCallback.Event;
import dev.corridor.internal.transport.RecordingFrameCallback.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded fuzzing of {@link FrameReader}: valid frame sequences (fragments, control frames between
 * them, compressed messages, close frames, messages at and over the limit) are read back exactly,
 * and the same sequences, mutated (bits flipped, cut, spliced, reserved bits and opcodes, lying
 * lengths, masks, bad close frames, fragmented control frames, data frames between fragments),
 * end in one of the outcomes the reader promises: callbacks, a {@link FrameException} with close
 * code 1002, 1007 or 1009, or an {@link EOFException} when the input is used up. Nothing else
 * escapes, no array handed over exceeds the limit, and no case allocates anywhere near what a
 * lying header announces.
 *
 * <p>Every failure names the seed and the case; {@code -Dcorridor.fuzz.seed=S} runs one seed and
 * {@code -Dcorridor.fuzz.cases=N} sets the cases per seed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FrameReaderFuzzTest {
  private static final int LIMIT = 4096;
  private static final int CASES = Integer.getInteger("corridor.fuzz.cases", 4000);
  private static final int[] VALID_CLOSE_CODES = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012,
      1013, 1014, 3000, 3999, 4000, 4999};
  private static final int[] INVALID_CLOSE_CODES = {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999,
      5000, 0xffff};
  private static final String[] REASON_PIECES = {"", "a", "bye", "é", "€", "😀", "retry-after=5", " "};
  /**
   * Bytes a case may allocate, whatever it is: inputs stay under ~100 KiB, so a reader that
   * allocated for a lying length (the fuzzer's lies are at least 16 MiB) goes far past this.
   */
  private static final long ALLOCATION_BOUND = 8L << 20;

  static long[] seeds() {
    String one = System.getProperty("corridor.fuzz.seed");
    if (one != null) return new long[] {Long.parseLong(one)};
    return new long[] {1L, 20261201L, 0xC0FFEEL, 7_777_777L};
  }

  private static final com.sun.management.@Nullable ThreadMXBean THREADS = threads();

  private static com.sun.management.@Nullable ThreadMXBean threads() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (bean instanceof com.sun.management.ThreadMXBean) {
      com.sun.management.ThreadMXBean b = (com.sun.management.ThreadMXBean) bean;
      if (b.isThreadAllocatedMemorySupported() && b.isThreadAllocatedMemoryEnabled()) return b;
    }
    return null;
  }

  private static long allocatedByThisThread() {
    return THREADS == null ? 0 : THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  // ---- The properties ----

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void validFrameSequencesAreReadExactly(long seed) {
    for (int i = 0; i < CASES; i++) {
      long caseSeed = caseSeed(seed, i);
      Sequence s = Sequence.generate(new Random(caseSeed));
      byte[] input = s.encode();

      Outcome outcome = RecordingFrameCallback.readAll(input, LIMIT, s.inflater());

      String where = where(seed, i, caseSeed, "none", input);
      assertThat(outcome.events()).as("events, %s", where).containsExactlyElementsOf(s.expected);
      switch (s.ending) {
        case EOF:
          assertThat(outcome.error()).as("ending, %s", where).isInstanceOf(EOFException.class);
          assertThat(outcome.unread()).as("unread, %s", where).isZero();
          break;
        case CLOSE:
          assertThat(outcome.error()).as("ending, %s", where).isNull();
          assertThat(outcome.closed()).as("closed, %s", where).isTrue();
          assertThat(outcome.unread()).as("bytes after the close frame, %s", where).isEqualTo(s.trailing);
          break;
        case TOO_BIG:
          assertThat(outcome.error()).as("ending, %s", where).isInstanceOf(FrameException.class);
          assertThat(((FrameException) outcome.error()).closeCode()).as("close code, %s", where).isEqualTo(1009);
          break;
        default:
          throw new AssertionError(s.ending);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void mutatedFrameSequencesEndOnlyInCallbacksTypedFrameExceptionsOrEof(long seed) {
    int[] endings = new int[3]; // close, frame exception, eof: the fuzzer must reach each
    java.util.Map<Integer, Integer> codes = new java.util.TreeMap<>();
    for (int i = 0; i < CASES; i++) {
      long caseSeed = caseSeed(seed, i);
      Random r = new Random(caseSeed);
      Sequence s = Sequence.generate(r);
      List<String> applied = new ArrayList<>();
      int frameMutations = r.nextInt(3);
      for (int m = 0; m < frameMutations; m++) applied.add(s.mutateFrames(r));
      byte[] input = s.encode();
      int byteMutations = applied.isEmpty() ? 1 + r.nextInt(3) : r.nextInt(2);
      for (int m = 0; m < byteMutations; m++) {
        Mutated mutated = mutateBytes(input, r);
        input = mutated.bytes;
        applied.add(mutated.what);
      }
      MessageInflater inflater = s.inflater();
      RecordingFrameCallback callback = new RecordingFrameCallback();
      String where = where(seed, i, caseSeed, String.join(", ", applied), input);

      long before = allocatedByThisThread();
      Outcome outcome = readAll(input, inflater, callback);
      long allocated = allocatedByThisThread() - before;

      Throwable error = outcome.error();
      if (error == null) {
        assertThat(outcome.closed()).as("a clean return means a close frame, %s", where).isTrue();
        endings[0]++;
      } else if (error instanceof FrameException) {
        assertThat(((FrameException) error).closeCode()).as("close code of %s, %s", error, where)
            .isIn(1002, 1007, 1009);
        codes.merge(((FrameException) error).closeCode(), 1, Integer::sum);
        endings[1]++;
      } else if (error instanceof EOFException) {
        // At the end of the input: everything was read, or a length field wanted more bytes than
        // were left (okio reads a short or long only whole, leaving the fewer bytes in place).
        assertThat(outcome.unread()).as("EOF only at the end of the input, %s", where).isLessThan(8);
        endings[2]++;
      } else {
        throw new AssertionError("the reader let " + error + " escape, " + where, error);
      }
      assertThat(callback.largestBinary).as("largest message handed over, %s", where).isLessThanOrEqualTo(LIMIT);
      for (Event e : outcome.events()) {
        if (e.kind().equals("ping")) assertThat(e.length()).as("ping payload, %s", where).isLessThanOrEqualTo(125);
        if (e.kind().equals("text")) assertThat(e.length()).as("text length, %s", where).isLessThanOrEqualTo(LIMIT);
      }
      assertThat(allocated).as("bytes allocated reading %s bytes, %s", input.length, where)
          .isLessThan(ALLOCATION_BOUND);
    }
    assertThat(endings[0]).as("cases ending in a close frame (seed %s)", seed).isPositive();
    assertThat(endings[1]).as("cases ending in a FrameException (seed %s)", seed).isPositive();
    assertThat(endings[2]).as("cases ending in EOF (seed %s)", seed).isPositive();
    assertThat(codes).as("close codes reached (seed %s)", seed).containsKeys(1002, 1007, 1009);
  }

  private static Outcome readAll(byte[] input, @Nullable MessageInflater inflater, RecordingFrameCallback callback) {
    okio.Buffer source = new okio.Buffer().write(input);
    FrameReader reader = new FrameReader(source, LIMIT, inflater, callback);
    Throwable error = null;
    boolean closed = false;
    try {
      while (reader.readNext()) {
        // until a close frame, an exception, or the end of the input
      }
      closed = true;
    } catch (Throwable t) { // everything, OutOfMemoryError included: the oracle judges it
      error = t;
    }
    return new Outcome(callback.events, error, closed, source.size());
  }

  private static long caseSeed(long seed, int i) {
    long x = seed * 0x9E3779B97F4A7C15L + i;
    x ^= x >>> 31;
    return x * 0xBF58476D1CE4E5B9L;
  }

  private static String where(long seed, int i, long caseSeed, String mutations, byte[] input) {
    return "seed " + seed + " case " + i + " (case seed " + caseSeed + "L), mutations [" + mutations
        + "], input " + WireFrames.hex(input, 48);
  }

  // ---- Valid sequences ----

  enum Ending { EOF, CLOSE, TOO_BIG }

  /** One frame before encoding; a mutation may make it lie about its length or mask it. */
  static final class Frame {
    int b0;
    byte[] payload;
    int form;
    boolean masked;
    @Nullable Long declared;

    Frame(int b0, byte[] payload) {
      this.b0 = b0;
      this.payload = payload;
      this.form = WireFrames.minimalForm(payload.length);
    }

    boolean control() {
      return (b0 & 0x08) != 0;
    }

    byte[] encode() {
      long length = declared != null ? declared : payload.length;
      byte[] header = WireFrames.header(b0, length, form, masked);
      if (!masked) return WireFrames.concat(header, payload);
      byte[] key = {0x11, 0x22, 0x33, 0x44};
      byte[] masking = payload.clone();
      for (int i = 0; i < masking.length; i++) masking[i] ^= key[i & 3];
      return WireFrames.concat(header, key, masking);
    }
  }

  /** A valid sequence of server frames, and what reading it must report. */
  static final class Sequence {
    final List<Frame> frames = new ArrayList<>();
    final List<Event> expected = new ArrayList<>();
    final boolean compression;
    final boolean noContextTakeover;
    Ending ending = Ending.EOF;
    byte[] trailer = new byte[0];
    int trailing;

    private Sequence(boolean compression, boolean noContextTakeover) {
      this.compression = compression;
      this.noContextTakeover = noContextTakeover;
    }

    @Nullable MessageInflater inflater() {
      return compression ? new MessageInflater(noContextTakeover) : null;
    }

    static Sequence generate(Random r) {
      boolean compression = r.nextInt(3) == 0;
      Sequence s = new Sequence(compression, compression && r.nextBoolean());
      Deflater deflater = compression ? new Deflater(r.nextInt(10), true) : null;
      try {
        int items = 1 + r.nextInt(6);
        for (int i = 0; i < items && s.ending == Ending.EOF; i++) {
          int kind = r.nextInt(10);
          if (kind < 2) {
            s.control(r);
          } else {
            s.message(r, deflater);
          }
        }
        if (s.ending == Ending.EOF && r.nextBoolean()) s.close(r);
      } finally {
        if (deflater != null) deflater.end();
      }
      return s;
    }

    private void control(Random r) {
      if (r.nextBoolean()) {
        byte[] payload = WireFrames.pattern(r.nextInt(126), r.nextLong());
        frames.add(new Frame(FIN | PING, payload));
        expected.add(Event.ping(payload));
      } else {
        frames.add(new Frame(FIN | PONG, WireFrames.pattern(r.nextInt(126), r.nextLong())));
        expected.add(Event.pong());
      }
    }

    private static int size(Random r) {
      switch (r.nextInt(7)) {
        case 0:
          return r.nextInt(4);
        case 1:
          return r.nextInt(126);
        case 2:
          return 120 + r.nextInt(16); // either side of the 7-bit / 16-bit boundary
        case 3:
          return r.nextInt(LIMIT + 1);
        case 4:
          return LIMIT - 2 + r.nextInt(5); // either side of the limit
        case 5:
          return 65530 + r.nextInt(12); // either side of the 16-bit / 64-bit boundary, over the limit
        default:
          return r.nextInt(600);
      }
    }

    private void message(Random r, @Nullable Deflater deflater) {
      boolean text = r.nextInt(6) == 0;
      int opcode = text ? TEXT : BINARY;
      byte[] message = r.nextInt(4) == 0
          ? new byte[size(r)] // zeros: compress well, so inflate past the limit from a small frame
          : WireFrames.pattern(size(r), r.nextLong());
      boolean compress = deflater != null && r.nextInt(3) > 0;
      if (compress && noContextTakeover) deflater.reset();
      byte[] wire = compress ? WireFrames.deflateMessage(deflater, message) : message;
      int pieces = r.nextInt(3) == 0 ? 1 + r.nextInt(4) : 1;
      int[] cuts = cuts(r, wire.length, pieces);
      long sofar = 0;
      for (int j = 0; j < pieces; j++) {
        byte[] piece = Arrays.copyOfRange(wire, cuts[j], cuts[j + 1]);
        int b0 = (j == 0 ? opcode | (compress ? RSV1 : 0) : CONTINUATION) | (j == pieces - 1 ? FIN : 0);
        frames.add(new Frame(b0, piece));
        sofar += piece.length;
        if (sofar > LIMIT) { // refused at this fragment's header
          ending = Ending.TOO_BIG;
          return;
        }
        if (j < pieces - 1 && r.nextInt(3) == 0) control(r); // control frames may come between fragments
      }
      if (message.length > LIMIT) { // only a compressed message gets here: refused as it inflates
        ending = Ending.TOO_BIG;
        return;
      }
      expected.add(text ? Event.text(message.length) : Event.binary(message));
    }

    private static int[] cuts(Random r, int length, int pieces) {
      int[] cuts = new int[pieces + 1];
      for (int j = 1; j < pieces; j++) cuts[j] = r.nextInt(length + 1);
      cuts[pieces] = length;
      Arrays.sort(cuts, 1, pieces);
      return cuts;
    }

    private void close(Random r) {
      int code = VALID_CLOSE_CODES[r.nextInt(VALID_CLOSE_CODES.length)];
      StringBuilder reason = new StringBuilder();
      int pieces = r.nextInt(8);
      for (int i = 0; i < pieces; i++) reason.append(REASON_PIECES[r.nextInt(REASON_PIECES.length)]);
      frames.add(new Frame(FIN | CLOSE, closePayload(code, reason.toString().getBytes(StandardCharsets.UTF_8))));
      expected.add(Event.close(code, reason.toString()));
      ending = Ending.CLOSE;
      if (r.nextInt(4) == 0) {
        trailer = WireFrames.pattern(1 + r.nextInt(40), r.nextLong());
        trailing = trailer.length;
      }
    }

    static byte[] closePayload(int code, byte[] reason) {
      byte[] p = new byte[2 + reason.length];
      p[0] = (byte) (code >> 8);
      p[1] = (byte) code;
      System.arraycopy(reason, 0, p, 2, reason.length);
      return p;
    }

    byte[] encode() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Frame f : frames) {
        byte[] b = f.encode();
        out.write(b, 0, b.length);
      }
      out.write(trailer, 0, trailer.length);
      return out.toByteArray();
    }

    // ---- Mutations of frames ----

    /** Breaks one frame (or adds a broken one); returns what it did. */
    String mutateFrames(Random r) {
      if (frames.isEmpty()) frames.add(new Frame(FIN | BINARY, new byte[0]));
      int i = r.nextInt(frames.size());
      Frame f = frames.get(i);
      switch (r.nextInt(12)) {
        case 0: {
          int bits = new int[] {RSV1, RSV2, RSV3, RSV1 | RSV2 | RSV3}[r.nextInt(4)];
          f.b0 |= bits;
          return "reserved bits 0x" + Integer.toHexString(bits) + " on frame " + i;
        }
        case 1: {
          int opcode = new int[] {0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf, CONTINUATION, TEXT, BINARY,
              CLOSE, PING, PONG}[r.nextInt(16)];
          f.b0 = (f.b0 & 0xf0) | opcode;
          return "opcode 0x" + Integer.toHexString(opcode) + " on frame " + i;
        }
        case 2: {
          long lie;
          switch (r.nextInt(5)) {
            case 0:
              lie = 1L << 62;
              break;
            case 1:
              lie = Long.MAX_VALUE;
              break;
            case 2:
              lie = (16L << 20) + (r.nextLong() & 0x7fff_ffffL); // 16 MiB to 2 GiB
              break;
            case 3:
              lie = -1L - (r.nextLong() & 0xffff); // most significant bit set
              break;
            default:
              lie = Math.max(0, f.payload.length + r.nextInt(64) - 32); // a small lie: the stream desyncs
              break;
          }
          f.declared = lie;
          f.form = lie < 0 || lie > 0xffff ? FORM_64 : r.nextBoolean() ? FORM_64 : WireFrames.minimalForm(lie);
          if (f.form == FORM_7 && lie > 125) f.form = FORM_16;
          return "length " + lie + " declared on frame " + i + " of " + f.payload.length;
        }
        case 3:
          f.masked = true;
          return "mask on frame " + i;
        case 4: {
          int code = INVALID_CLOSE_CODES[r.nextInt(INVALID_CLOSE_CODES.length)];
          frames.add(i, new Frame(FIN | CLOSE, closePayload(code, "x".getBytes(StandardCharsets.UTF_8))));
          return "close code " + code + " at " + i;
        }
        case 5: {
          byte[][] bad = {{(byte) 0xc3}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xff}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
              {(byte) 0xc0, (byte) 0xaf}};
          frames.add(i, new Frame(FIN | CLOSE, closePayload(1000, bad[r.nextInt(bad.length)])));
          return "close reason not UTF-8 at " + i;
        }
        case 6: {
          Frame c = new Frame(new int[] {PING, PONG, CLOSE}[r.nextInt(3)], new byte[r.nextInt(4)]);
          frames.add(i, c);
          return "fragmented control frame at " + i;
        }
        case 7: {
          Frame c = new Frame(FIN | new int[] {PING, PONG, CLOSE}[r.nextInt(3)], new byte[126 + r.nextInt(200)]);
          frames.add(i, c);
          return "control frame of " + c.payload.length + " bytes at " + i;
        }
        case 8: {
          // A data frame between the fragments of a message, or a continuation out of nowhere.
          int b0 = new int[] {BINARY, FIN | BINARY, FIN | TEXT, CONTINUATION, FIN | CONTINUATION}[r.nextInt(5)];
          frames.add(i, new Frame(b0, WireFrames.pattern(r.nextInt(50), r.nextLong())));
          return "data frame 0x" + Integer.toHexString(b0) + " inserted at " + i;
        }
        case 9:
          f.form = f.payload.length <= 0xffff && r.nextBoolean() ? FORM_16 : FORM_64;
          return "length of frame " + i + " in form " + f.form;
        case 10: {
          int j = r.nextInt(frames.size());
          frames.set(i, frames.get(j));
          frames.set(j, f);
          return "frames " + i + " and " + j + " swapped";
        }
        default:
          f.b0 ^= FIN;
          return "FIN flipped on frame " + i;
      }
    }
  }

  // ---- Mutations of bytes ----

  record Mutated(byte[] bytes, String what) {}

  static Mutated mutateBytes(byte[] input, Random r) {
    int n = input.length;
    switch (r.nextInt(5)) {
      case 0: {
        if (n == 0) return new Mutated(input, "nothing to flip");
        byte[] b = input.clone();
        int flips = 1 + r.nextInt(8);
        for (int k = 0; k < flips; k++) {
          // Mostly near the start, where the headers that matter are.
          int at = r.nextBoolean() ? r.nextInt(Math.min(n, 16)) : r.nextInt(n);
          b[at] ^= (byte) (1 << r.nextInt(8));
        }
        return new Mutated(b, flips + " bits flipped");
      }
      case 1: {
        int at = r.nextInt(n + 1);
        return new Mutated(Arrays.copyOf(input, at), "cut at " + at);
      }
      case 2: {
        int at = r.nextInt(n + 1);
        byte[] junk = WireFrames.pattern(1 + r.nextInt(20), r.nextLong());
        return new Mutated(WireFrames.concat(Arrays.copyOf(input, at), junk, Arrays.copyOfRange(input, at, n)),
            junk.length + " random bytes spliced in at " + at);
      }
      case 3: {
        if (n == 0) return new Mutated(input, "nothing to copy");
        int from = r.nextInt(n);
        int to = from + r.nextInt(Math.min(n - from, 300) + 1);
        int at = r.nextInt(n + 1);
        return new Mutated(WireFrames.concat(Arrays.copyOf(input, at), Arrays.copyOfRange(input, from, to),
            Arrays.copyOfRange(input, at, n)), "bytes " + from + ".." + to + " copied to " + at);
      }
      default: {
        if (n == 0) return new Mutated(input, "nothing to delete");
        int from = r.nextInt(n);
        int to = from + r.nextInt(Math.min(n - from, 40) + 1);
        return new Mutated(WireFrames.concat(Arrays.copyOf(input, from), Arrays.copyOfRange(input, to, n)),
            "bytes " + from + ".." + to + " deleted");
      }
    }
  }
}
