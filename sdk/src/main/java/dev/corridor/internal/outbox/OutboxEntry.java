package dev.corridor.internal.outbox;

import dev.corridor.SendOptions.Priority;
import org.jspecify.annotations.Nullable;

/**
 * One message in the outbox. Linked intrusively into the send-order list and its priority's list so
 * that removal from the middle is O(1). Touched only in the client's serial context.
 */
public final class OutboxEntry {
  static final int PENDING = 0;
  static final int IN_FLIGHT = 1;
  static final int DONE = 2;

  /**
   * Per-message accounting overhead added to payload, topic and key, in bytes: what an entry, its
   * future and the payload array's header take on a 64-bit JVM, measured at the byte bound
   * (bench: OutboxFootprint, about 123 B per message), so that the byte bound bounds the heap.
   */
  public static final int OVERHEAD_BYTES = 128;

  public final String topic;
  public final byte[] payload;
  public final @Nullable String key;
  public final Priority priority;
  public final boolean acknowledged;
  /** Clock nanos after which it must not be written; {@link Long#MAX_VALUE} for none. */
  public final long deadlineNanos;
  /** Wall-clock deadline for the wire (ms since the epoch), 0 for none. */
  public final long deadlineMillis;
  /** Bytes charged against the outbox's byte bound. */
  public final int size;
  /** Opaque to the outbox: whatever the owner completes when the entry ends. */
  public final Object handle;

  /** Client sequence, assigned when first written; 0 before (and for best effort). */
  long sequence;
  int state = PENDING;
  @Nullable OutboxEntry prev;
  @Nullable OutboxEntry next;
  @Nullable OutboxEntry priorityPrev;
  @Nullable OutboxEntry priorityNext;

  public OutboxEntry(String topic, byte[] payload, @Nullable String key, Priority priority,
      boolean acknowledged, long deadlineNanos, long deadlineMillis, Object handle) {
    this.topic = topic;
    this.payload = payload;
    this.key = key;
    this.priority = priority;
    this.acknowledged = acknowledged;
    this.deadlineNanos = deadlineNanos;
    this.deadlineMillis = deadlineMillis;
    this.handle = handle;
    this.size = payload.length + utf8Length(topic) + (key == null ? 0 : utf8Length(key)) + OVERHEAD_BYTES;
  }

  public long sequence() {
    return sequence;
  }

  public boolean isPending() {
    return state == PENDING;
  }

  public boolean isInFlight() {
    return state == IN_FLIGHT;
  }

  /** Bytes of {@code s} in UTF-8, without encoding it. */
  static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
