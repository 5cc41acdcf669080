package dev.corridor;

import static java.util.Objects.requireNonNull;

import dev.corridor.internal.MessageAccess;
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
   * The delivery as received, holding topic, key, position and payload (never modified), read
   * through {@link MessageAccess} so that no protocol type appears in this package: one reference
   * instead of seven fields keeps a message at 24 bytes on top of what the parser made.
   */
  private final Object delivery;
  /** The array {@link #payload()} returns: given, or copied on its first call (under this object's lock). */
  private volatile byte @Nullable [] array;

  /**
   * A message around {@code payload}, which is not copied: {@link #payload()} returns this very
   * array (for tests and for applications that build messages themselves).
   */
  public Message(String topic, long epoch, long sequence, String key, byte[] payload,
      long timestampMillis, boolean replay) {
    this(MessageAccess.delivery(requireNonNull(topic, "topic"), epoch, sequence,
        requireNonNull(key, "key"), requireNonNull(payload, "payload"), timestampMillis, replay));
    this.array = payload;
  }

  private Message(Object delivery) {
    this.delivery = delivery;
  }

  public String topic() {
    return MessageAccess.topic(delivery);
  }

  /** The stream epoch this sequence belongs to. */
  public long epoch() {
    return MessageAccess.epoch(delivery);
  }

  /** Per-topic sequence within {@link #epoch()}, from 1. */
  public long sequence() {
    return MessageAccess.sequence(delivery);
  }

  /** The message's key (empty if none); LATEST subscriptions conflate per key. */
  public String key() {
    return MessageAccess.key(delivery);
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
          a = MessageAccess.payload(delivery).toByteArray();
          array = a;
        }
      }
    }
    return a;
  }

  /** The payload's length in bytes, without copying it. */
  public int payloadSize() {
    return MessageAccess.payload(delivery).size();
  }

  /**
   * The payload as a read-only buffer over the received bytes, without copying them: for parsing
   * the payload in place (e.g. with a protobuf or JSON parser that reads a {@link ByteBuffer}).
   * Each call returns a new buffer positioned at the payload's first byte.
   */
  public ByteBuffer payloadBuffer() {
    return MessageAccess.payload(delivery).asReadOnlyByteBuffer();
  }

  /** When the server produced it, ms since the Unix epoch. */
  public long timestampMillis() {
    return MessageAccess.timestampMillis(delivery);
  }

  /** True when it was replayed from the server's history after a reconnect or a gap. */
  public boolean isReplay() {
    return MessageAccess.replay(delivery);
  }

  @Override
  public String toString() {
    String key = key();
    return "Message{" + topic() + " " + epoch() + ":" + sequence() + (key.isEmpty() ? "" : " key=" + key)
        + ", " + payloadSize() + " bytes" + (isReplay() ? ", replay" : "") + "}";
  }
}
