package dev.corridor;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
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

  private final String topic;
  private final long epoch;
  private final long sequence;
  private final String key;
  /** The payload as received; never modified. */
  private final ByteString wire;
  /** The array {@link #payload()} returns: given, or copied on its first call (under this object's lock). */
  private volatile byte @Nullable [] array;
  private final long timestampMillis;
  private final boolean replay;

  /**
   * A message around {@code payload}, which is not copied: {@link #payload()} returns this very
   * array (for tests and for applications that build messages themselves).
   */
  public Message(String topic, long epoch, long sequence, String key, byte[] payload,
      long timestampMillis, boolean replay) {
    this(topic, epoch, sequence, key, UnsafeByteOperations.unsafeWrap(payload), timestampMillis, replay);
    this.array = payload;
  }

  private Message(String topic, long epoch, long sequence, String key, ByteString payload,
      long timestampMillis, boolean replay) {
    this.topic = topic;
    this.epoch = epoch;
    this.sequence = sequence;
    this.key = key;
    this.wire = payload;
    this.timestampMillis = timestampMillis;
    this.replay = replay;
  }

  public String topic() {
    return topic;
  }

  /** The stream epoch this sequence belongs to. */
  public long epoch() {
    return epoch;
  }

  /** Per-topic sequence within {@link #epoch()}, from 1. */
  public long sequence() {
    return sequence;
  }

  /** The message's key (empty if none); LATEST subscriptions conflate per key. */
  public String key() {
    return key;
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
          a = wire.toByteArray();
          array = a;
        }
      }
    }
    return a;
  }

  /** The payload's length in bytes, without copying it. */
  public int payloadSize() {
    return wire.size();
  }

  /**
   * The payload as a read-only buffer over the received bytes, without copying them: for parsing
   * the payload in place (e.g. with a protobuf or JSON parser that reads a {@link ByteBuffer}).
   * Each call returns a new buffer positioned at the payload's first byte.
   */
  public ByteBuffer payloadBuffer() {
    return wire.asReadOnlyByteBuffer();
  }

  /** When the server produced it, ms since the Unix epoch. */
  public long timestampMillis() {
    return timestampMillis;
  }

  /** True when it was replayed from the server's history after a reconnect or a gap. */
  public boolean isReplay() {
    return replay;
  }

  @Override
  public String toString() {
    return "Message{" + topic + " " + epoch + ":" + sequence + (key.isEmpty() ? "" : " key=" + key)
        + ", " + wire.size() + " bytes" + (replay ? ", replay" : "") + "}";
  }
}
