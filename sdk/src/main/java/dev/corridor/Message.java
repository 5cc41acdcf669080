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
   * The delivery as received, holding topic, key, position and payload (never modified), or, once
   * {@link #payload()} has made its array, the delivery together with that array; read through
   * {@link MessageAccess} so that no protocol type appears in this package. One field keeps a
   * message at 16 bytes on top of what the parser made.
   */
  private volatile Object state;

  /**
   * A message around {@code payload}, which is not copied: {@link #payload()} returns this very
   * array (for tests and for applications that build messages themselves).
   */
  public Message(String topic, long epoch, long sequence, String key, byte[] payload,
      long timestampMillis, boolean replay) {
    this(MessageAccess.built(requireNonNull(topic, "topic"), epoch, sequence,
        requireNonNull(key, "key"), requireNonNull(payload, "payload"), timestampMillis, replay));
  }

  private Message(Object state) {
    this.state = state;
  }

  public String topic() {
    return MessageAccess.topic(state);
  }

  /** The stream epoch this sequence belongs to. */
  public long epoch() {
    return MessageAccess.epoch(state);
  }

  /** Per-topic sequence within {@link #epoch()}, from 1. */
  public long sequence() {
    return MessageAccess.sequence(state);
  }

  /** The message's key (empty if none); LATEST subscriptions conflate per key. */
  public String key() {
    return MessageAccess.key(state);
  }

  /**
   * The payload as an array. For a received message the first call copies it, and every call, from
   * any thread, returns that same array; it is the receiver's to keep (and to modify, which later
   * calls then see, while {@link #payloadBuffer()} keeps showing the bytes as received).
   */
  public byte[] payload() {
    byte[] a = MessageAccess.array(state);
    if (a == null) {
      synchronized (this) {
        Object s = state;
        a = MessageAccess.array(s);
        if (a == null) {
          a = MessageAccess.payload(s).toByteArray();
          state = MessageAccess.withArray(s, a);
        }
      }
    }
    return a;
  }

  /** The payload's length in bytes, without copying it. */
  public int payloadSize() {
    return MessageAccess.payload(state).size();
  }

  /**
   * The payload as a read-only buffer over the received bytes, without copying them: for parsing
   * the payload in place (e.g. with a protobuf or JSON parser that reads a {@link ByteBuffer}).
   * Each call returns a new buffer positioned at the payload's first byte.
   */
  public ByteBuffer payloadBuffer() {
    return MessageAccess.payload(state).asReadOnlyByteBuffer();
  }

  /** When the server produced it, ms since the Unix epoch. */
  public long timestampMillis() {
    return MessageAccess.timestampMillis(state);
  }

  /** True when it was replayed from the server's history after a reconnect or a gap. */
  public boolean isReplay() {
    return MessageAccess.replay(state);
  }

  @Override
  public String toString() {
    String key = key();
    return "Message{" + topic() + " " + epoch() + ":" + sequence() + (key.isEmpty() ? "" : " key=" + key)
        + ", " + payloadSize() + " bytes" + (isReplay() ? ", replay" : "") + "}";
  }
}
