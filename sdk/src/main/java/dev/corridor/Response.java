package dev.corridor;

import dev.corridor.internal.ResponseAccess;

/**
 * The server's answer to a request. Immutable; the payload array is the receiver's to keep. Built
 * by the client; tests build one with
 * {@link dev.corridor.testing.TestValues#response TestValues.response}.
 */
public final class Response {
  static {
    ResponseAccess.install(Response::new);
  }

  /** The server's verdict. */
  public enum Status {
    OK,
    ERROR,
    NOT_FOUND,
    INVALID,
    UNAVAILABLE,
    UNSPECIFIED
  }

  private final Status status;
  private final byte[] payload;
  private final String message;

  private Response(Status status, byte[] payload, String message) {
    this.status = status;
    this.payload = payload;
    this.message = message;
  }

  public Status status() {
    return status;
  }

  public boolean isOk() {
    return status == Status.OK;
  }

  public byte[] payload() {
    return payload;
  }

  /** The server's explanation, usually empty when OK. */
  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return "Response{" + status + ", " + payload.length + " bytes" + (message.isEmpty() ? "" : ", " + message) + "}";
  }
}
