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
import static dev.corridor.internal.transport.WireFrames.binary;
import static dev.corridor.internal.transport.WireFrames.concat;
import static dev.corridor.internal.transport.WireFrames.frame;
import static dev.corridor.internal.transport.WireFrames.header;
import static dev.corridor.internal.transport.WireFrames.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corridor.internal.transport.RecordingFrameCallback.Event;
import dev.corridor.internal.transport.RecordingFrameCallback.Outcome;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FrameReader's rules, one behaviour each, on hand-built server frames. */
class FrameReaderTest {
  private static final int LIMIT = 4096;

  private static Outcome read(byte[] input) {
    return RecordingFrameCallback.readAll(input, LIMIT, null);
  }

  private static Outcome readCompressed(byte[] input) {
    return RecordingFrameCallback.readAll(input, LIMIT, new MessageInflater(false));
  }

  private static void assertRefused(Outcome outcome, int closeCode, String messagePart) {
    FrameException e = outcome.frameException();
    assertThat(e.closeCode()).as("close code of '%s'", e.getMessage()).isEqualTo(closeCode);
    assertThat(e.getMessage()).contains(messagePart);
  }

  // ---- Messages ----

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 125, 126, 127, 4095, 4096})
  void readsUnfragmentedBinaryMessageInItsMinimalLengthForm(int size) {
    byte[] payload = pattern(size, 1);

    Outcome outcome = read(binary(payload));

    assertThat(outcome.events()).containsExactly(Event.binary(payload));
    assertThat(outcome.error()).isInstanceOf(EOFException.class); // input used up, nothing else
    assertThat(outcome.unread()).isZero();
  }

  @ParameterizedTest(name = "form {0}")
  @ValueSource(ints = {FORM_16, FORM_64})
  void readsEveryLengthFormForAnyLength(int form) {
    byte[] payload = pattern(100, 2);

    Outcome outcome = read(concat(header(FIN | BINARY, 100, form, false), payload));

    assertThat(outcome.events()).containsExactly(Event.binary(payload));
  }

  @Test
  void readsMessagesOneAfterAnotherInOrder() {
    byte[] a = pattern(10, 3);
    byte[] b = pattern(300, 4);

    Outcome outcome = read(concat(binary(a), binary(b), binary(new byte[0])));

    assertThat(outcome.events()).containsExactly(Event.binary(a), Event.binary(b), Event.binary(new byte[0]));
  }

  @Test
  void reassemblesFragmentedMessageWithControlFramesBetweenFragments() {
    byte[] p = pattern(3000, 5);
    byte[] ping = "are you there".getBytes(StandardCharsets.UTF_8);

    Outcome outcome = read(concat(
        frame(BINARY, java.util.Arrays.copyOfRange(p, 0, 1000)),
        frame(FIN | PING, ping),
        frame(CONTINUATION, new byte[0]),
        frame(FIN | PONG, new byte[0]),
        frame(FIN | CONTINUATION, java.util.Arrays.copyOfRange(p, 1000, 3000))));

    assertThat(outcome.events()).containsExactly(Event.ping(ping), Event.pong(), Event.binary(p));
  }

  @Test
  void reportsTextMessageByItsLengthAndSkipsItsBytes() {
    byte[] after = pattern(5, 6);

    Outcome outcome = read(concat(
        frame(FIN | TEXT, "hello".getBytes(StandardCharsets.UTF_8)),
        frame(TEXT, new byte[7]), frame(FIN | CONTINUATION, new byte[8]),
        binary(after)));

    assertThat(outcome.events()).containsExactly(Event.text(5), Event.text(15), Event.binary(after));
  }

  @Test
  void deliversPingPayloadIntactAndReportsPong() {
    byte[] payload = pattern(125, 7);

    Outcome outcome = read(concat(frame(FIN | PING, payload), frame(FIN | PONG, pattern(3, 8))));

    assertThat(outcome.events()).containsExactly(Event.ping(payload), Event.pong());
  }

  @Test
  void truncatedFrameEndsWithEofAndNoMessage() {
    byte[] whole = binary(pattern(200, 9));

    Outcome outcome = read(java.util.Arrays.copyOf(whole, whole.length - 1));

    assertThat(outcome.events()).isEmpty();
    assertThat(outcome.error()).isInstanceOf(EOFException.class);
  }

  // ---- Limits, checked at the header ----

  @Test
  void acceptsMessageOfExactlyTheLimit() {
    byte[] payload = pattern(LIMIT, 10);

    assertThat(read(binary(payload)).events()).containsExactly(Event.binary(payload));
  }

  @Test
  void refusesFrameOverTheLimitAtItsHeaderBeforeReadingThePayload() {
    byte[] payload = pattern(LIMIT + 1, 11);

    Outcome outcome = read(binary(payload));

    assertRefused(outcome, 1009, "exceeds the limit of " + LIMIT);
    assertThat(outcome.unread()).as("payload bytes left unread").isEqualTo(LIMIT + 1);
  }

  @Test
  void refusesHeaderAnnouncing2Pow62BytesAtOnceWithoutWaitingForThem() {
    // No payload follows at all: a reader that tried to read (or allocate) it would end in EOF.
    Outcome outcome = read(concat(header(FIN | BINARY, 1L << 62), pattern(100, 12)));

    assertRefused(outcome, 1009, "of " + (1L << 62) + " bytes");
    assertThat(outcome.unread()).isEqualTo(100);
  }

  @Test
  void refusesFragmentedMessageAtTheHeaderOfTheFragmentThatPassesTheLimit() {
    Outcome outcome = read(concat(
        frame(BINARY, new byte[LIMIT - 10]),
        header(CONTINUATION, 11), new byte[11]));

    assertRefused(outcome, 1009, "message (fragmented) of " + (LIMIT + 1) + " bytes");
    assertThat(outcome.unread()).isEqualTo(11);
  }

  @Test
  void refusesLengthWithTheMostSignificantBitSet() {
    assertRefused(read(header(FIN | BINARY, -1L, FORM_64, false)), 1002, "2^63");
  }

  // ---- Frame form ----

  @Test
  void refusesMaskedServerFrame() {
    assertRefused(read(concat(header(FIN | BINARY, 4, FORM_7, true), new byte[8])), 1002, "masked");
  }

  @ParameterizedTest(name = "bit 0x{0}")
  @ValueSource(ints = {RSV2, RSV3})
  void refusesReservedBitsRsv2AndRsv3(int bit) {
    assertRefused(read(frame(FIN | bit | BINARY, new byte[1])), 1002, "RSV2/RSV3");
  }

  @Test
  void refusesRsv1WithoutNegotiatedCompression() {
    assertRefused(read(frame(FIN | RSV1 | BINARY, new byte[1])), 1002, "RSV1");
  }

  @Test
  void refusesRsv1OnContinuationFrameEvenWithCompression() {
    assertRefused(readCompressed(concat(frame(RSV1 | BINARY, new byte[1]), frame(FIN | RSV1 | CONTINUATION, new byte[1]))),
        1002, "RSV1");
  }

  @Test
  void refusesRsv1OnControlFrameEvenWithCompression() {
    assertRefused(readCompressed(frame(FIN | RSV1 | PING, new byte[1])), 1002, "RSV1");
  }

  @ParameterizedTest(name = "opcode 0x{0}")
  @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7})
  void refusesUnknownDataOpcode(int opcode) {
    assertRefused(read(frame(FIN | opcode, new byte[2])), 1002, "unknown data opcode");
  }

  @ParameterizedTest(name = "opcode 0x{0}")
  @ValueSource(ints = {0xb, 0xc, 0xd, 0xe, 0xf})
  void refusesUnknownControlOpcode(int opcode) {
    assertRefused(read(frame(FIN | opcode, new byte[2])), 1002, "unknown control opcode");
  }

  @Test
  void refusesFragmentedControlFrame() {
    assertRefused(read(frame(PING, new byte[1])), 1002, "fragmented control frame");
  }

  @Test
  void refusesControlFrameLongerThan125Bytes() {
    assertRefused(read(frame(FIN | PING, new byte[126])), 1002, "control frame of 126 bytes");
  }

  @Test
  void refusesContinuationFrameWithoutAMessageToContinue() {
    assertRefused(read(frame(FIN | CONTINUATION, new byte[1])), 1002, "continuation frame without");
  }

  @Test
  void refusesNewMessageBeforeTheLastOneEnded() {
    assertRefused(read(concat(frame(BINARY, new byte[1]), frame(FIN | BINARY, new byte[1]))), 1002,
        "before the last one ended");
  }

  // ---- Close frames ----

  @Test
  void closeFrameEndsReadingAndLeavesWhatFollowsUnread() {
    Outcome outcome = read(concat(WireFrames.close(1000, "bye"), binary(new byte[3])));

    assertThat(outcome.events()).containsExactly(Event.close(1000, "bye"));
    assertThat(outcome.closed()).isTrue();
    assertThat(outcome.unread()).isEqualTo(5);
  }

  @Test
  void readingAfterTheCloseFrameIsAProgrammingError() throws Exception {
    Buffer source = new Buffer().write(WireFrames.close(1000, ""));
    FrameReader reader = new FrameReader(source, LIMIT, null, new RecordingFrameCallback());
    assertThat(reader.readNext()).isFalse();

    assertThatThrownBy(reader::readNext).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeFrameWithoutPayloadIsReportedAsNoStatus1005() {
    assertThat(read(frame(FIN | CLOSE, new byte[0])).events()).containsExactly(Event.close(1005, ""));
  }

  @Test
  void closeFrameWithOneBytePayloadIsAProtocolError() {
    assertRefused(read(frame(FIN | CLOSE, new byte[] {3})), 1002, "one-byte payload");
  }

  @ParameterizedTest(name = "code {0}")
  @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999})
  void acceptsCloseCodesThatMayBeSent(int code) {
    assertThat(read(WireFrames.close(code, "r")).events()).containsExactly(Event.close(code, "r"));
  }

  @ParameterizedTest(name = "code {0}")
  @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
  void refusesCloseCodesThatMustNotBeSent(int code) {
    assertRefused(read(WireFrames.close(code, "")), 1002, "close code " + code);
  }

  @Test
  void refusesCloseReasonThatIsNotUtf8With1007() {
    assertRefused(read(WireFrames.close(1000, new byte[] {'o', 'k', (byte) 0xc3})), 1007, "not UTF-8");
  }

  @Test
  void closeFrameBetweenFragmentsEndsTheMessageUnfinished() {
    Outcome outcome = read(concat(frame(BINARY, new byte[10]), WireFrames.close(1001, "going")));

    assertThat(outcome.events()).containsExactly(Event.close(1001, "going"));
    assertThat(outcome.closed()).isTrue();
  }

  // ---- permessage-deflate ----

  @Test
  void inflatesCompressedMessagesWithContextTakeover() {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    byte[] a = "the same words again and again and again".getBytes(StandardCharsets.UTF_8);
    byte[] b = pattern(2000, 13);

    Outcome outcome = readCompressed(concat(
        frame(FIN | RSV1 | BINARY, WireFrames.deflateMessage(deflater, a)),
        frame(FIN | BINARY, b), // uncompressed messages may come between
        frame(FIN | RSV1 | BINARY, WireFrames.deflateMessage(deflater, a))));

    assertThat(outcome.events()).containsExactly(Event.binary(a), Event.binary(b), Event.binary(a));
  }

  @Test
  void inflatesCompressedMessageSplitAcrossFragments() {
    byte[] message = pattern(3000, 14);
    byte[] z = WireFrames.deflateMessage(new Deflater(Deflater.DEFAULT_COMPRESSION, true), message);

    Outcome outcome = readCompressed(concat(
        frame(RSV1 | BINARY, java.util.Arrays.copyOfRange(z, 0, 10)),
        frame(FIN | CONTINUATION, java.util.Arrays.copyOfRange(z, 10, z.length))));

    assertThat(outcome.events()).containsExactly(Event.binary(message));
  }

  @Test
  void refusesCompressedMessageThatInflatesPastTheLimitWith1009() {
    byte[] bomb = WireFrames.zeroBomb(3); // about 3 KiB, under the limit, that inflate to 3 MiB
    assertThat(bomb.length).isLessThan(LIMIT);

    Outcome outcome = readCompressed(frame(FIN | RSV1 | BINARY, bomb));

    assertRefused(outcome, 1009, "inflated");
    assertThat(outcome.events()).isEmpty();
  }

  @Test
  void acceptsCompressedMessageThatInflatesToExactlyTheLimit() {
    byte[] message = new byte[LIMIT];
    byte[] z = WireFrames.deflateMessage(new Deflater(Deflater.DEFAULT_COMPRESSION, true), message);

    assertThat(readCompressed(frame(FIN | RSV1 | BINARY, z)).events()).containsExactly(Event.binary(message));
  }

  @Test
  void refusesCompressedMessageThatIsNotDeflateData() {
    // 0xff: BFINAL set, block type 3, which DEFLATE reserves.
    assertRefused(readCompressed(frame(FIN | RSV1 | BINARY, new byte[] {(byte) 0xff, 1, 2})), 1002, "DEFLATE");
  }
}
