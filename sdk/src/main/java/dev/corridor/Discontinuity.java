package dev.corridor;

import dev.corridor.internal.DiscontinuityAccess;

/**
 * A topic's stream could not continue from where the client left off: messages between the two
 * positions are lost to this client. The application should resynchronise (e.g. fetch a snapshot).
 * Delivered in order with the topic's messages, before the first message after the break.
 * Immutable. Built by the client; tests build one with
 * {@link dev.corridor.testing.TestValues#discontinuity TestValues.discontinuity}.
 */
public final class Discontinuity {
  static {
    DiscontinuityAccess.install(Discontinuity::new);
  }

  /** Why the stream broke. */
  public enum Reason {
    /** The server no longer holds the history needed to replay. */
    HISTORY_TRIMMED,
    /** The server started a new epoch (e.g. it lost its state). */
    EPOCH_CHANGED,
    /** The server did not recognise the session. */
    SESSION_LOST,
    /** A gap was detected and the server did not fill it in time. */
    GAP_NOT_FILLED,
    /** The server gave no reason. */
    UNSPECIFIED
  }

  private final String topic;
  private final Reason reason;
  private final long fromEpoch;
  private final long fromSequence;
  private final long epoch;
  private final long nextSequence;

  private Discontinuity(String topic, Reason reason, long fromEpoch, long fromSequence, long epoch,
      long nextSequence) {
    this.topic = topic;
    this.reason = reason;
    this.fromEpoch = fromEpoch;
    this.fromSequence = fromSequence;
    this.epoch = epoch;
    this.nextSequence = nextSequence;
  }

  public String topic() {
    return topic;
  }

  public Reason reason() {
    return reason;
  }

  /** Epoch of the last message delivered before the break. */
  public long fromEpoch() {
    return fromEpoch;
  }

  /** Sequence of the last message delivered before the break (0 if none). */
  public long fromSequence() {
    return fromSequence;
  }

  /** Epoch in which delivery resumes. */
  public long epoch() {
    return epoch;
  }

  /**
   * Sequence of the next message that will be delivered, or 0 when it is not known yet
   * ({@link Reason#GAP_NOT_FILLED}: delivery resumes with whatever arrives next).
   */
  public long nextSequence() {
    return nextSequence;
  }

  @Override
  public String toString() {
    return "Discontinuity{" + topic + " " + reason + ": " + fromEpoch + ":" + fromSequence + " -> "
        + epoch + ":" + nextSequence + "}";
  }
}
