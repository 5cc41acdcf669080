package dev.corridor.kotlin;

import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import org.jspecify.annotations.Nullable;

/**
 * One {@link dev.corridor.EventListener} callback as a value, for {@link CorridorFlows#events}.
 * Which fields are set depends on {@link #type()}; the others are -1 or null.
 */
public final class CorridorEvent {
  /** Mirrors the methods of {@link dev.corridor.EventListener}. */
  public enum Type {
    ATTEMPT_STARTED,
    ATTEMPT_SUCCEEDED,
    ATTEMPT_FAILED,
    CONNECTION_LOST,
    STATE_CHANGED,
    RTT_MEASURED,
    MESSAGE_SENT,
    MESSAGE_RECEIVED,
    PROTOCOL_ERROR,
    CALLBACK_FAILED
  }

  private final Type type;
  private final long attempt;
  private final long nanos;
  private final long smoothedNanos;
  private final int bytes;
  private final @Nullable StateChange stateChange;
  private final @Nullable Throwable error;

  CorridorEvent(Type type, long attempt, long nanos, long smoothedNanos, int bytes,
      @Nullable StateChange stateChange, @Nullable Throwable error) {
    this.type = type;
    this.attempt = attempt;
    this.nanos = nanos;
    this.smoothedNanos = smoothedNanos;
    this.bytes = bytes;
    this.stateChange = stateChange;
    this.error = error;
  }

  public Type type() {
    return type;
  }

  /** Attempt number, for the ATTEMPT_* types. */
  public long attempt() {
    return attempt;
  }

  /** Connect time (ATTEMPT_SUCCEEDED) or round-trip time (RTT_MEASURED), in ns. */
  public long nanos() {
    return nanos;
  }

  /** Smoothed round-trip time, for RTT_MEASURED. */
  public long smoothedNanos() {
    return smoothedNanos;
  }

  /** Message size, for MESSAGE_SENT and MESSAGE_RECEIVED. */
  public int bytes() {
    return bytes;
  }

  public @Nullable StateChange stateChange() {
    return stateChange;
  }

  /** The failure, for ATTEMPT_FAILED, CONNECTION_LOST, PROTOCOL_ERROR and CALLBACK_FAILED. */
  public @Nullable Throwable error() {
    return error;
  }

  /** The failure as a typed exception, when it is one. */
  public @Nullable CorridorException corridorError() {
    return error instanceof CorridorException ? (CorridorException) error : null;
  }

  @Override
  public String toString() {
    return "CorridorEvent{" + type + (stateChange != null ? " " + stateChange : "")
        + (error != null ? " " + error.getMessage() : "") + "}";
  }
}
