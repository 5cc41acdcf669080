package dev.corridor.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.internal.transport.WireFrames.ClientFrame;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import okio.Buffer;
import okio.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FrameWriter's frames, decoded by {@link WireFrames}, an independent reader. */
class FrameWriterTest {
  private final Buffer sink = new Buffer();
  private final FrameWriter writer = new FrameWriter(sink, new SecureRandom());

  private ClientFrame next() throws Exception {
    return WireFrames.readClientFrame(sink, 1 << 24);
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, 100_003})
  void framesAreMaskedAndDecodeBackToThePayloadWithTheMinimalLengthForm(int size) throws Exception {
    byte[] payload = WireFrames.pattern(size, size);

    writer.writeFrame(Frames.OP_BINARY, payload);

    ClientFrame frame = next();
    assertThat(frame.fin()).isTrue();
    assertThat(frame.b0 & 0x70).as("reserved bits").isZero();
    assertThat(frame.opcode()).isEqualTo(Frames.OP_BINARY);
    assertThat(frame.masked).as("client frames are masked").isTrue();
    assertThat(frame.form).as("length form for %s bytes", size).isEqualTo(WireFrames.minimalForm(size));
    assertThat(ByteString.of(frame.payload)).isEqualTo(ByteString.of(payload));
    assertThat(sink.size()).as("bytes after the frame").isZero();
  }

  @Test
  void maskingActuallyChangesTheBytesOnTheWire() throws Exception {
    byte[] payload = new byte[64]; // zeros: on the wire they are the key, repeated

    writer.writeFrame(Frames.OP_BINARY, payload);

    byte[] wire = sink.snapshot().toByteArray();
    byte[] key = java.util.Arrays.copyOfRange(wire, 2, 6);
    for (int i = 0; i < payload.length; i++) {
      assertThat(wire[6 + i]).as("wire byte %s", i).isEqualTo(key[i & 3]);
    }
  }

  @Test
  void everyFrameHasItsOwnMaskingKeyAcrossKeyRefills() throws Exception {
    int frames = FrameWriter.KEYS_PER_DRAW * 3 + 5; // keys are drawn in batches: cross several
    for (int i = 0; i < frames; i++) writer.writeFrame(Frames.OP_BINARY, new byte[] {(byte) i});

    Set<ByteString> keys = new HashSet<>();
    for (int i = 0; i < frames; i++) {
      ClientFrame frame = next();
      assertThat(frame.payload).containsExactly((byte) i);
      keys.add(ByteString.of(frame.key));
    }
    assertThat(keys).as("distinct 4-byte keys").hasSize(frames);
  }

  @Test
  void framesOfOneBatchComeOutInOrder() throws Exception {
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] p = WireFrames.pattern(i * 37, i);
      sent.add(p);
      writer.writeFrame(Frames.OP_BINARY, p);
    }
    writer.flush();

    for (byte[] p : sent) assertThat(ByteString.of(next().payload)).isEqualTo(ByteString.of(p));
  }

  @Test
  void closeFrameCarriesCodeAndReason() throws Exception {
    writer.writeClose(1001, "going away");

    ClientFrame frame = next();
    assertThat(frame.opcode()).isEqualTo(Frames.OP_CLOSE);
    assertThat(frame.masked).isTrue();
    assertThat(frame.closeCode()).isEqualTo(1001);
    assertThat(frame.closeReason()).isEqualTo("going away");
  }

  @Test
  void longCloseReasonIsCutToFitTheControlFrame() throws Exception {
    writer.writeClose(1000, "x".repeat(300));

    ClientFrame frame = next();
    assertThat(frame.payload).hasSize(Frames.CONTROL_MAX);
    assertThat(frame.closeReason()).isEqualTo("x".repeat(Frames.CONTROL_MAX - 2));
  }

  @Test
  void longCloseReasonIsCutAtACharacterBoundarySoItStaysUtf8() throws Exception {
    // 62 two-byte characters: 124 bytes, one more than fits; a cut at 123 bytes splits the last.
    String reason = "é".repeat(62);

    writer.writeClose(1000, reason);

    ClientFrame frame = next();
    byte[] cut = java.util.Arrays.copyOfRange(frame.payload, 2, frame.payload.length);
    assertThat(frame.payload.length).isLessThanOrEqualTo(Frames.CONTROL_MAX);
    // What the peer's reader does with it: a reason that is not UTF-8 fails the close with 1007.
    assertThat(isUtf8(cut)).as("the reason sent is UTF-8").isTrue();
    assertThat(new String(cut, StandardCharsets.UTF_8)).isEqualTo("é".repeat(61));
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }
}
