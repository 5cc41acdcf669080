package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.corridor.internal.MessageAccess;
import dev.corridor.proto.v1.Deliver;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageTest {
  private static final byte[] BYTES = "hello".getBytes(StandardCharsets.UTF_8);

  /**
   * A message as the session layer builds it: its payload left in place in the received frame
   * (here with three bytes of something else on each side).
   */
  private static Message received(ByteString payload) {
    return receivedIn(frameAround(payload.toByteArray()), payload.size());
  }

  private static byte[] frameAround(byte[] payload) {
    byte[] frame = new byte[payload.length + 6];
    java.util.Arrays.fill(frame, (byte) '#');
    System.arraycopy(payload, 0, frame, 3, payload.length);
    return frame;
  }

  private static Message receivedIn(byte[] frame, int payloadLength) {
    return MessageAccess.received("AAPL", "", 1, 7, 1_000L, false, frame, 3, payloadLength);
  }

  @Test
  void payloadIsCopiedOnceAndOnlyWhenAsked() {
    Message m = received(ByteString.copyFrom(BYTES));

    byte[] first = m.payload();
    assertThat(first).isEqualTo(BYTES);
    assertThat(m.payload()).as("second call").isSameAs(first);

    first[0] = 'J'; // the array is the receiver's to modify ...
    assertThat(m.payload()).as("later payload() calls see the change").startsWith('J');
    // ... and the received bytes behind the zero-copy views stay as they were.
    assertThat(m.payloadSize()).isEqualTo(BYTES.length);
    assertThat(bytesOf(m.payloadBuffer())).isEqualTo(BYTES);
  }

  @Test
  void receivedPayloadIsReadInPlaceUntilPayloadIsCalled() {
    // ByteStrings are immutable; writing to the array behind one makes any copy (or its absence)
    // visible: bytes copied at construction would not see the write.
    byte[] wire = frameAround(BYTES);
    Message m = receivedIn(wire, BYTES.length);
    ByteBuffer view = m.payloadBuffer();

    wire[3] = 'J';

    assertThat(view.get(0)).as("payloadBuffer() is a view, not a copy").isEqualTo((byte) 'J');
    assertThat(new String(m.payload(), StandardCharsets.UTF_8))
        .as("payload() copies when first called, not when the message is built").isEqualTo("Jello");
  }

  @Test
  void payloadBufferIsAReadOnlyViewOfThePayloadWithItsOwnPosition() {
    Message m = received(ByteString.copyFrom(BYTES));

    ByteBuffer a = m.payloadBuffer();
    assertThat(a.isReadOnly()).isTrue();
    assertThat(a.position()).isZero();
    assertThat(a.remaining()).isEqualTo(m.payloadSize()).isEqualTo(BYTES.length);
    assertThatThrownBy(() -> a.put(0, (byte) 'J')).isInstanceOf(ReadOnlyBufferException.class);

    a.get();
    a.get();
    ByteBuffer b = m.payloadBuffer();
    assertThat(b).as("a second buffer").isNotSameAs(a);
    assertThat(b.position()).as("unaffected by reading the first").isZero();
    assertThat(b.remaining()).isEqualTo(BYTES.length);
    b.get();
    assertThat(a.position()).as("unaffected by reading the second").isEqualTo(2);
    assertThat(bytesOf(b)).isEqualTo(BYTES);
  }

  @Test
  void toStringNamesThePositionAndThePayloadSize() {
    Message m = received(ByteString.copyFrom(new byte[512]));

    assertThat(m.toString()).contains("AAPL").contains("1:7").contains("512 bytes");
  }

  @Test
  void receivedMessageReadsEveryFieldOfItsDelivery() {
    Message m = MessageAccess.create(Deliver.newBuilder().setTopic("fx/EURUSD").setEpoch(3)
        .setSequence(42).setKey("EURUSD").setPayload(ByteString.copyFrom(BYTES))
        .setTimestampMs(1_700_000_000_123L).setReplay(true).build());

    assertThat(m.topic()).isEqualTo("fx/EURUSD");
    assertThat(m.epoch()).isEqualTo(3);
    assertThat(m.sequence()).isEqualTo(42);
    assertThat(m.key()).isEqualTo("EURUSD");
    assertThat(m.payload()).isEqualTo(BYTES);
    assertThat(m.timestampMillis()).isEqualTo(1_700_000_000_123L);
    assertThat(m.isReplay()).isTrue();
    assertThat(m.toString()).contains("key=EURUSD").contains("replay");
  }

  /** Every byte of {@code buffer} from its start, without moving it. */
  private static byte[] bytesOf(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    copy.rewind();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
