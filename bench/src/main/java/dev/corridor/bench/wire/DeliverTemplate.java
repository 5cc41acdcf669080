package dev.corridor.bench.wire;

import com.google.protobuf.ByteString;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Envelope;
import java.io.ByteArrayOutputStream;
import java.util.Random;

/**
 * A pre-encoded {@code Envelope{protocol_version: 1, deliver: {topic, epoch: 1, sequence, payload}}}
 * whose sequence can be overwritten in place, so a feed costs its server a copy per message.
 *
 * <p>The sequence is written as a five-byte varint, padded with continuation bits when the value
 * is smaller (1 is {@code 81 80 80 80 00}). Protobuf parsers accept such non-minimal varints, and
 * every reader of the feed parses the same bytes, so the padding costs both sides the same.
 */
final class DeliverTemplate {
  private static final int SEQUENCE_BYTES = 5;
  private final byte[] bytes;
  private final int sequenceOffset;

  DeliverTemplate(String topic, int payloadSize) {
    byte[] payload = new byte[payloadSize];
    new Random(payloadSize).nextBytes(payload);
    byte[] head = Deliver.newBuilder().setTopic(topic).setEpoch(1).build().toByteArray();
    byte[] tail = Deliver.newBuilder().setPayload(ByteString.copyFrom(payload)).build().toByteArray();
    ByteArrayOutputStream deliver = new ByteArrayOutputStream();
    deliver.writeBytes(head);
    deliver.write(3 << 3); // field 3 (sequence), varint
    int sequenceInDeliver = deliver.size();
    deliver.writeBytes(new byte[SEQUENCE_BYTES]);
    deliver.writeBytes(tail);
    byte[] body = deliver.toByteArray();

    ByteArrayOutputStream envelope = new ByteArrayOutputStream();
    envelope.write(1 << 3); // protocol_version
    envelope.write(1);
    envelope.write((14 << 3) | 2); // deliver, length-delimited
    writeVarint(envelope, body.length);
    int bodyOffset = envelope.size();
    envelope.writeBytes(body);
    this.bytes = envelope.toByteArray();
    this.sequenceOffset = bodyOffset + sequenceInDeliver;
    selfCheck(topic, payload);
  }

  int length() {
    return bytes.length;
  }

  int sequenceOffset() {
    return sequenceOffset;
  }

  void copyInto(byte[] into, int at) {
    System.arraycopy(bytes, 0, into, at, bytes.length);
  }

  static void patchSequence(byte[] into, int at, long sequence) {
    if (sequence >>> (7 * SEQUENCE_BYTES) != 0) throw new IllegalArgumentException("sequence too large: " + sequence);
    for (int i = 0; i < SEQUENCE_BYTES - 1; i++) into[at + i] = (byte) (((sequence >>> (7 * i)) & 0x7F) | 0x80);
    into[at + SEQUENCE_BYTES - 1] = (byte) (sequence >>> (7 * (SEQUENCE_BYTES - 1)));
  }

  private void selfCheck(String topic, byte[] payload) {
    byte[] copy = bytes.clone();
    patchSequence(copy, sequenceOffset, 123_456_789L);
    try {
      Deliver d = Envelope.parseFrom(copy).getDeliver();
      if (d.getSequence() != 123_456_789L || !d.getTopic().equals(topic) || d.getEpoch() != 1
          || !d.getPayload().equals(ByteString.copyFrom(payload))) {
        throw new IllegalStateException("template does not parse back: " + d);
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeVarint(ByteArrayOutputStream out, int value) {
    while ((value & ~0x7F) != 0) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }
}
