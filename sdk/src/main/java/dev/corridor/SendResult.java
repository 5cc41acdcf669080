package dev.corridor;

import dev.corridor.internal.SendResultAccess;
import org.jspecify.annotations.Nullable;

/**
 * How a message sent with {@code CorridorClient.send} ended. Immutable. Built by the client; tests
 * build one with {@link dev.corridor.testing.TestValues#sendResult TestValues.sendResult}.
 */
public final class SendResult {
  static {
    SendResultAccess.install(SendResult::new);
  }

  /** Every message ends with exactly one outcome. */
  public enum Outcome {
    /** The server acknowledged it (acknowledged delivery). */
    ACKNOWLEDGED,
    /** It was handed to the socket (best-effort delivery). Says nothing of arrival. */
    WRITTEN,
    /**
     * Its TTL passed before it could be written (or, for an unacknowledged message, before it
     * could be resent; the server may then have received an earlier copy).
     */
    EXPIRED,
    /** A newer message with the same key replaced it before it was written. */
    SUPERSEDED,
    /** The outbox was full: evicted for a message of equal or higher priority, or refused. */
    OVERFLOW,
    /** The server rejected it; see {@link #errorCode()}. */
    REJECTED,
    /** The client was closed (or failed) before the message could be delivered. */
    CLOSED;

    /** True for {@link #ACKNOWLEDGED} and {@link #WRITTEN}. */
    public boolean isSuccess() {
      return this == ACKNOWLEDGED || this == WRITTEN;
    }
  }

  private final Outcome outcome;
  private final long sequence;
  private final @Nullable String errorCode;
  private final @Nullable String errorMessage;

  private SendResult(Outcome outcome, long sequence, @Nullable String errorCode, @Nullable String errorMessage) {
    this.outcome = outcome;
    this.sequence = sequence;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }

  public Outcome outcome() {
    return outcome;
  }

  /**
   * The client sequence the message was written with (its idempotency key on the server), or 0 if it
   * was never written or was best effort.
   */
  public long sequence() {
    return sequence;
  }

  /** For {@link Outcome#REJECTED}: the server's error code, e.g. {@code "REJECTED"}. */
  public @Nullable String errorCode() {
    return errorCode;
  }

  /** For {@link Outcome#REJECTED}: the server's message. */
  public @Nullable String errorMessage() {
    return errorMessage;
  }

  @Override
  public String toString() {
    return outcome + (sequence > 0 ? " #" + sequence : "")
        + (errorCode != null ? " " + errorCode + ": " + errorMessage : "");
  }
}
