package dev.corridor;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.UnsafeByteOperations;
import dev.corridor.internal.MessageAccess;
import dev.corridor.proto.v1.Deliver;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * One delivery on a subscribed topic. Immutable and safe to hand to other threads.
 *
 * <p>The payload is kept as it came off the wire and copied only when asked for:
 * {@link #payload()} makes (once) an array that is the receiver's to keep, while
 * {@link #payloadSize()} and {@link #payloadBuffer()} read it without copying.
 */
public final class Message {
  static {
    MessageAccess.install(Message::new);
  }

  /**
   * The delivery as received, holding topic, key, position and payload (never modified): one
   * reference instead of seven fields keeps a message at 24 bytes on top of what the parser made.
   */
  private final Deliver delivery;
  /** The array {@link #payload()} returns: given, or copied on its first call (under this object's lock). */
  private volatile byte @Nullable [] array;

  /**
   * A message around {@code payload}, which is not copied: {@link #payload()} returns this very
   * array (for tests and for applications that build messages themselves).
   */
  public Message(String topic, long epoch, long sequence, String key, byte[] payload,
      long timestampMillis, boolean replay) {
    this(Deliver.newBuilder()
        .setTopic(requireNonNull(topic, "topic"))
        .setEpoch(epoch)
        .setSequence(sequence)
        .setKey(requireNonNull(key, "key"))
        .setPayload(UnsafeByteOperations.unsafeWrap(requireNonNull(payload, "payload")))
        .setTimestampMs(timestampMillis)
        .setReplay(replay)
        .build());
    this.array = payload;
  }

  private Message(Deliver delivery) {
    this.delivery = delivery;
  }

  public String topic() {
    return delivery.getTopic();
  }

  /** The stream epoch this sequence belongs to. */
  public long epoch() {
    return delivery.getEpoch();
  }

  /** Per-topic sequence within {@link #epoch()}, from 1. */
  public long sequence() {
    return delivery.getSequence();
  }

  /** The message's key (empty if none); LATEST subscriptions conflate per key. */
  public String key() {
    return delivery.getKey();
  }

  /**
   * The payload as an array. For a received message the first call copies it, and every call, from
   * any thread, returns that same array; it is the receiver's to keep (and to modify, which later
   * calls then see, while {@link #payloadBuffer()} keeps showing the bytes as received).
   */
  public byte[] payload() {
    byte[] a = array;
    if (a == null) {
      synchronized (this) {
        a = array;
        if (a == null) {
          a = delivery.getPayload().toByteArray();
          array = a;
        }
      }
    }
    return a;
  }

  /** The payload's length in bytes, without copying it. */
  public int payloadSize() {
    return delivery.getPayload().size();
  }

  /**
   * The payload as a read-only buffer over the received bytes, without copying them: for parsing
   * the payload in place (e.g. with a protobuf or JSON parser that reads a {@link ByteBuffer}).
   * Each call returns a new buffer positioned at the payload's first byte.
   */
  public ByteBuffer payloadBuffer() {
    return delivery.getPayload().asReadOnlyByteBuffer();
  }

  /** When the server produced it, ms since the Unix epoch. */
  public long timestampMillis() {
    return delivery.getTimestampMs();
  }

  /** True when it was replayed from the server's history after a reconnect or a gap. */
  public boolean isReplay() {
    return delivery.getReplay();
  }

  @Override
  public String toString() {
    String key = key();
    return "Message{" + topic() + " " + epoch() + ":" + sequence() + (key.isEmpty() ? "" : " key=" + key)
        + ", " + payloadSize() + " bytes" + (isReplay() ? ", replay" : "") + "}";
  }
}
