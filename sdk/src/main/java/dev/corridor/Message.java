package dev.corridor;

import dev.corridor.internal.MessageAccess;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * One delivery on a subscribed topic. Immutable and safe to hand to other threads.
 *
 * <p>The payload stays where it arrived, in the received frame, and is copied only when asked
 * for: {@link #payload()} makes (once) an array that is the receiver's to keep, while
 * {@link #payloadSize()} and {@link #payloadBuffer()} read it in place.
 *
 * <p>Built by the client; tests build one with
 * {@link dev.corridor.testing.TestValues#message TestValues.message}.
 */
public final class Message {
  static {
    MessageAccess.install(Message::new);
  }

  private final String topic;
  private final String key;
  private final long epoch;
  private final long sequence;
  private final long timestampMillis;
  private final boolean replay;
  /** The bytes the payload lies in (the received frame, never modified), and where. */
  private final byte[] source;
  private final int offset;
  private final int length;
  /** The array {@link #payload()} returns, once made. */
  private volatile byte @Nullable [] array;

  private Message(String topic, String key, long epoch, long sequence, long timestampMillis,
      boolean replay, byte[] source, int offset, int length) {
    this.topic = topic;
    this.key = key;
    this.epoch = epoch;
    this.sequence = sequence;
    this.timestampMillis = timestampMillis;
    this.replay = replay;
    this.source = source;
    this.offset = offset;
    this.length = length;
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
          a = new byte[length];
          System.arraycopy(source, offset, a, 0, length);
          array = a;
        }
      }
    }
    return a;
  }

  /** The payload's length in bytes, without copying it. */
  public int payloadSize() {
    return length;
  }

  /**
   * The payload as a read-only buffer over the received bytes, without copying them: for parsing
   * the payload in place (e.g. with a protobuf or JSON parser that reads a {@link ByteBuffer}).
   * Each call returns a new buffer positioned at the payload's first byte.
   */
  public ByteBuffer payloadBuffer() {
    return ByteBuffer.wrap(source, offset, length).slice().asReadOnlyBuffer();
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
        + ", " + length + " bytes" + (replay ? ", replay" : "") + "}";
  }
}
