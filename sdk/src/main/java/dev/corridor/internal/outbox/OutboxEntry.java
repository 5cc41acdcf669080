package dev.corridor.internal.outbox;

import dev.corridor.SendOptions.Priority;
import dev.corridor.internal.connection.HealthWatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One message in the outbox. Linked intrusively into the send-order list and its priority's list so
 * that removal from the middle is O(1). Touched only in the client's serial context.
 */
public final class OutboxEntry implements HealthWatch.Tracked {
  static final int PENDING = 0;
  static final int IN_FLIGHT = 1;
  static final int DONE = 2;

  /**
   * Per-message accounting overhead added to payload, topic and key, in bytes: what an entry, its
   * future and the payload array's header take on a 64-bit JVM, measured at the byte bound
   * (bench: OutboxFootprint, about 123 B per message), so that the byte bound bounds the heap.
   */
  public static final int OVERHEAD_BYTES = 128;

  /** {@link #deadlineNanos} of an entry without a deadline. */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  /**
   * TTLs of this many nanos (2^62, about 146 years) or more mean no deadline. Clock nanos have an
   * arbitrary origin, so deadlines are compared by difference, which is exact only while the two
   * readings are less than 2^63 ns apart; with TTLs below 2^62 the deadlines of entries sent within
   * 146 years of each other stay comparable. A longer TTL is "never" in practice.
   */
  static final long MAX_TTL_NANOS = 1L << 62;

  public final String topic;
  public final byte[] payload;
  public final @Nullable String key;
  public final Priority priority;
  public final boolean acknowledged;
  /**
   * Clock nanos from which on it must not be written, or {@link #NO_DEADLINE}. It may have wrapped
   * past {@link Long#MAX_VALUE}: compare it with a reading by difference, never directly.
   */
  public final long deadlineNanos;
  /** Wall-clock deadline for the wire (ms since the epoch), 0 for none. */
  public final long deadlineMillis;
  /** Bytes charged against the outbox's byte bound. */
  public final int size;
  /** Opaque to the outbox: whatever the owner completes when the entry ends. */
  public final Object handle;

  /** Clock nanos at which {@code send} accepted it. Set once by the publisher, in the context. */
  public long acceptedNanos;
  /** Whether it has ended (its future completed). Set once by the publisher, in the context. */
  public boolean finished;

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

  /**
   * The clock deadline {@code ttlMillis} (positive) after {@code nowNanos}, or {@link #NO_DEADLINE}
   * when the TTL is too long to represent ({@link #MAX_TTL_NANOS}): saturating, so that a huge TTL
   * never wraps into the past.
   */
  public static long deadlineNanos(long nowNanos, long ttlMillis) {
    long ttlNanos = TimeUnit.MILLISECONDS.toNanos(ttlMillis); // saturates at Long.MAX_VALUE
    if (ttlNanos >= MAX_TTL_NANOS) return NO_DEADLINE;
    long deadline = nowNanos + ttlNanos; // may wrap: read by difference
    return deadline == NO_DEADLINE ? deadline - 1 : deadline; // a real deadline, not "none"
  }

  /**
   * The wall-clock deadline for the wire ({@code Publish.deadline_ms}, ms since the epoch) of a TTL
   * of {@code ttlMillis} (positive) from {@code nowMillis}, or 0 (none) when the TTL is too long to
   * represent, as {@link #deadlineNanos(long, long)} has none, or when the sum would not be a
   * positive {@code long}.
   */
  public static long deadlineMillis(long nowMillis, long ttlMillis) {
    if (TimeUnit.MILLISECONDS.toNanos(ttlMillis) >= MAX_TTL_NANOS) return 0;
    if (nowMillis > 0 && ttlMillis > Long.MAX_VALUE - nowMillis) return 0;
    long deadline = nowMillis + ttlMillis;
    return deadline > 0 ? deadline : 0;
  }

  /** Whether an entry with {@code deadlineNanos} must no longer be written at {@code nowNanos}. */
  static boolean isPast(long deadlineNanos, long nowNanos) {
    return deadlineNanos != NO_DEADLINE && deadlineNanos - nowNanos <= 0;
  }

  public long sequence() {
    return sequence;
  }

  @Override
  public long acceptedNanos() {
    return acceptedNanos;
  }

  @Override
  public boolean isFinished() {
    return finished;
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
