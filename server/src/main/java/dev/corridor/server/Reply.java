package dev.corridor.server;

import java.util.Objects;

/** The answer to a {@link ClientRequest}: a status, a payload and a message for the client. */
public final class Reply {
  /** The outcome the client's {@code Response} reports. */
  public enum Status {
    /** Done; the payload is the answer. */
    OK,
    /** The request failed. */
    ERROR,
    /** No such method. */
    NOT_FOUND,
    /** The request's payload is not valid for the method. */
    INVALID,
    /** The method cannot answer now; the client may try again later. */
    UNAVAILABLE
  }

  private static final byte[] EMPTY = new byte[0];

  private final Status status;
  private final byte[] payload;
  private final String message;

  private Reply(Status status, byte[] payload, String message) {
    this.status = Objects.requireNonNull(status, "status");
    this.payload = payload.clone();
    this.message = Objects.requireNonNull(message, "message");
  }

  /** {@link Status#OK} with {@code payload}. */
  public static Reply ok(byte[] payload) {
    return new Reply(Status.OK, payload, "");
  }

  /** Any other status, with a message the client sees (never a secret or a stack trace). */
  public static Reply of(Status status, String message) {
    return new Reply(status, EMPTY, message);
  }

  public Status status() {
    return status;
  }

  /** A copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return "Reply{" + status + (message.isEmpty() ? "" : ": " + message) + ", " + payload.length + " B}";
  }
}
